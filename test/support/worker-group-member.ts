// One member of a worker group in a process of its own, for tests that SIGKILL it (a worker that
// dies without leaving): joins the group described by WORKER_GROUP_MEMBER (JSON), prints every
// assignment as one JSON line on stdout, and stays until killed (or leaves on SIGTERM).
//   node --require tsx/cjs test/support/worker-group-member.ts
import { joinWorkerGroup } from '../../src/kafka'
import { silentLogger } from '../../src/ops/logger'

export interface WorkerGroupMemberSpec {
  brokers: string[]
  groupId: string
  topic: string
  partitions: number
  sessionTimeoutMs: number
  heartbeatIntervalMs: number
  worker: string
  /** companies per partition */
  weights: number[]
}

/** What the member prints, one line each. */
export type WorkerGroupMemberLine =
  | { event: 'assignment'; generation: number; memberId: string; partitions: number[] }
  | { event: 'error'; message: string }

const say = (line: WorkerGroupMemberLine) => process.stdout.write(`${JSON.stringify(line)}\n`)

async function main() {
  const spec = JSON.parse(process.env.WORKER_GROUP_MEMBER ?? '') as WorkerGroupMemberSpec
  const group = await joinWorkerGroup(
    { brokers: spec.brokers, clientId: spec.worker, ssl: false, sslRejectUnauthorized: true },
    silentLogger,
    {
      groupId: spec.groupId,
      topic: spec.topic,
      partitions: spec.partitions,
      sessionTimeoutMs: spec.sessionTimeoutMs,
      heartbeatIntervalMs: spec.heartbeatIntervalMs,
      worker: { name: spec.worker, opsUrl: `http://127.0.0.1:1/${spec.worker}` },
      weight: (p) => spec.weights[p] ?? 0,
    },
  )
  group.assignments.subscribe({
    next: (a) => say({ event: 'assignment', ...a, partitions: [...a.partitions] }),
    error: (e: Error) => say({ event: 'error', message: e.message }),
  })
  process.once('SIGTERM', () => void group.leave().then(() => process.exit(0)))
}

if (require.main === module)
  main().catch((error: Error) => {
    say({ event: 'error', message: error.message })
    process.exit(1)
  })
