// What a slot of the coordinator reports: a poll cycle's report, or a stage's.
import type { CycleReport } from '../sources/poll/cycle'
import type { StageReport } from '../sources/report'

export type Report = CycleReport | StageReport
