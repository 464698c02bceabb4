// `personio-kafka status --group`: which worker holds which companies, as the brokers' group
// coordinator says (the members and their partitions of the companies topic), and each company's
// phase as the worker that holds it says (its /readyz details, when its ops endpoint answers).
// Companies no worker holds and company files refused are listed too: that is what needs a person.
import { request } from 'undici'
import type { CompanyDirectory } from '../companies/company'
import { readCompanyDirectory } from '../companies/directory'
import { companyPartition } from '../companies/partition'
import type { Config } from '../config'
import { describeWorkerGroup } from '../kafka'
import { kafkaUnreachable } from '../kafka/unreachable'
import type { Logger } from '../ops/logger'
import type { WorkerGroupDescription } from '../workers/membership'
import type { CompanyState } from '../workers/supervisor'
import { workerGroupOf, type WorkerView } from '../workers/worker'

export interface GroupCompany {
  id: string
  /** the worker holding its partition; undefined when none does (no worker, or the group rebalancing) */
  worker?: string
  memberId?: string
  /** what that worker says of it; undefined when its ops endpoint did not answer */
  phase?: CompanyState['phase']
  error?: CompanyState['error']
}

export interface GroupStatus {
  group: string
  state: string
  workers: {
    worker: string
    memberId: string
    host: string
    opsUrl?: string
    companies: string[]
    answered: boolean
  }[]
  companies: GroupCompany[]
  refused: string[]
}

/** Pure: the directory, the group as described, and what each worker's endpoint said, put together. */
export function groupStatus(
  group: string,
  directory: CompanyDirectory,
  description: WorkerGroupDescription,
  views: ReadonlyMap<string, WorkerView>,
): GroupStatus {
  // in a stable group every partition is assigned to one member: their count is the topic's; while
  // it rebalances, who holds what is not known (a guess would credit companies to the wrong worker)
  const partitions =
    description.state === 'Stable' ? description.members.reduce((n, m) => n + m.partitions.length, 0) : 0
  const holder = new Map<number, (typeof description.members)[number]>()
  for (const m of description.members) for (const p of m.partitions) holder.set(p, m)
  const companies: GroupCompany[] = [...directory.companies.keys()].sort().map((id) => {
    const member = partitions === 0 ? undefined : holder.get(companyPartition(id, partitions))
    if (member === undefined) return { id }
    const state = views.get(member.memberId)?.companies.find((c) => c.id === id)
    return {
      id,
      worker: member.worker,
      memberId: member.memberId,
      ...(state === undefined ? {} : { phase: state.phase }),
      ...(state?.error === undefined ? {} : { error: state.error }),
    }
  })
  return {
    group,
    state: description.state,
    workers: description.members
      .map((m) => ({
        worker: m.worker,
        memberId: m.memberId,
        host: m.clientHost,
        ...(m.opsUrl === undefined ? {} : { opsUrl: m.opsUrl }),
        companies: companies.filter((c) => c.memberId === m.memberId).map((c) => c.id),
        answered: views.has(m.memberId),
      }))
      .sort((a, b) => a.worker.localeCompare(b.worker)),
    companies,
    refused: directory.refused.map((r) => r.why),
  }
}

/** A worker's own view from its /readyz; undefined when it does not answer within 2 s. */
async function askWorker(opsUrl: string): Promise<WorkerView | undefined> {
  try {
    const res = await request(`${opsUrl}/readyz`, { headersTimeout: 2_000, bodyTimeout: 2_000 })
    const body = (await res.body.json()) as { details?: WorkerView }
    return body.details
  } catch {
    return undefined
  }
}

export async function readGroupStatus(config: Config, logger: Logger): Promise<GroupStatus> {
  const group = workerGroupOf(config)
  const directory = readCompanyDirectory(config.workers.companiesDir as string)
  let description: WorkerGroupDescription
  try {
    description = await describeWorkerGroup(config.kafka, logger, group)
  } catch (error) {
    throw kafkaUnreachable(config.kafka.brokers, error)
  }
  const views = new Map<string, WorkerView>()
  await Promise.all(
    description.members.map(async (m) => {
      const view = m.opsUrl === undefined ? undefined : await askWorker(m.opsUrl)
      // the endpoint that answered must be this member's (a URL another worker also advertises
      // would credit its view to both)
      if (view?.assignment?.memberId === m.memberId) views.set(m.memberId, view)
    }),
  )
  return groupStatus(group, directory, description, views)
}

export function groupTable(s: GroupStatus): string[] {
  const lines = [
    `group ${s.group}: ${s.state}, ${s.workers.length} worker(s), ${s.companies.length} companies`,
  ]
  if (s.state !== 'Stable' && s.workers.length > 0)
    lines.push(
      '  the group is rebalancing: who holds what is known once it is Stable; try again in a few seconds',
    )
  for (const w of s.workers)
    lines.push(
      `  ${w.worker.padEnd(24)} ${String(w.companies.length).padStart(4)} companies${w.answered ? '' : '  (ops endpoint did not answer: phases unknown)'}`,
    )
  lines.push('', `${'company'.padEnd(24)} ${'worker'.padEnd(24)} phase`)
  for (const c of s.companies)
    lines.push(
      `${c.id.padEnd(24)} ${(c.worker ?? '(none)').padEnd(24)} ${c.phase ?? (c.worker === undefined ? 'not running: no worker holds it' : '?')}${c.error === undefined ? '' : `  ${c.error.code}: ${c.error.message}`}`,
    )
  if (s.refused.length > 0) lines.push('', 'refused company files:', ...s.refused.map((r) => `  ${r}`))
  return lines
}
