// When a running capture has ended on its own, judged from its events: another instance fenced it
// (every resource of this one must stop), or no selected resource can run any more (each stopped
// on an error retrying cannot heal, or is a stage whose every input stopped). `run` exits on it;
// a worker marks that one company failed and leaves the others running.
import { resources, type Resource, type ResourceName } from '../../resources'
import { FencedError } from '../../errors'
import { stageInputs } from '../sources/stage/stage-work'
import type { PipelineEvent } from './coordinator'
import type { Report } from './report'

/**
 * Whether any selected resource can still capture: a polled one not stopped, or a stage not
 * stopped that is fed by a resource still running (or by one another instance captures).
 */
export function anyCanRun(selected: readonly Resource[], stopped: ReadonlySet<ResourceName>): boolean {
  const chosen = new Set(selected.map((r) => r.name))
  return selected.some((r) => {
    if (stopped.has(r.name)) return false
    if (r.stage === undefined) return true
    return stageInputs(resources[r.name]).some((input) => !chosen.has(input) || !stopped.has(input))
  })
}

export type CaptureEnd = { why: 'fenced'; error: FencedError } | { why: 'nothing-can-run'; error: unknown }

export interface CaptureOutcome {
  /** each event of `engine.run`; the end, the first time one is reached */
  see(event: PipelineEvent<Report>): CaptureEnd | undefined
  /** resources stopped so far, with their error */
  readonly stopped: ReadonlyMap<ResourceName, unknown>
}

export function captureOutcome(selected: readonly Resource[]): CaptureOutcome {
  const stopped = new Map<ResourceName, unknown>()
  let ended = false
  return {
    stopped,
    see(event) {
      if (event.kind !== 'stopped' || ended) {
        if (event.kind === 'stopped') stopped.set(event.resource, event.error)
        return undefined
      }
      stopped.set(event.resource, event.error)
      if (event.error instanceof FencedError) {
        ended = true
        return { why: 'fenced', error: event.error }
      }
      if (anyCanRun(selected, new Set(stopped.keys()))) return undefined
      ended = true
      return { why: 'nothing-can-run', error: event.error }
    },
  }
}
