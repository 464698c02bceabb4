// Workers balanced by Kafka's group protocol (issue #28), on the real broker: every partition of the
// companies topic held by exactly one worker and balanced by companies, a worker that leaves or
// joins moves only what it must, and a worker that dies (SIGKILL, in a process of its own) loses its
// partitions to the others once the coordinator's session for it runs out.
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs'
import pino from 'pino'
import type { Subscription } from 'rxjs'
import { describeWorkerGroup, joinWorkerGroup } from '../../../src/kafka'
import { silentLogger } from '../../../src/ops/logger'
import type { Assignment, WorkerGroup, WorkerGroupOptions } from '../../../src/workers/membership'
import { testInfra, uniqueName } from '../../infra/env'
import { createTopicsSettled } from '../../support/topics'
import type { WorkerGroupMemberLine, WorkerGroupMemberSpec } from '../../support/worker-group-member'

const { brokers } = testInfra()
const kafkaConfig = { brokers, clientId: 'test-worker-group', ssl: false, sslRejectUnauthorized: true }
// the broker's group.min.session.timeout.ms is 6 s (src/infra/kafka.ts leaves the default)
const SESSION_MS = 6_000
const HEARTBEAT_MS = 500

/** A member as the test sees it: its latest assignment, wherever it runs. */
interface Member {
  name: string
  latest(): Assignment | undefined
}

function inProcess(name: string, group: WorkerGroup): Member & { group: WorkerGroup; sub: Subscription } {
  let latest: Assignment | undefined
  const sub = group.assignments.subscribe((a) => (latest = a))
  return { name, group, sub, latest: () => latest }
}

function inChild(name: string, spec: WorkerGroupMemberSpec): Member & { child: ChildProcess } {
  const script = join(__dirname, '..', '..', 'support', 'worker-group-member.ts')
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), script], {
    env: { PATH: process.env.PATH ?? '', WORKER_GROUP_MEMBER: JSON.stringify(spec) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let latest: Assignment | undefined
  let pending = ''
  child.stdout?.on('data', (d: Buffer) => {
    pending += d.toString()
    const lines = pending.split('\n')
    pending = lines.pop() ?? ''
    for (const line of lines) {
      const parsed = JSON.parse(line) as WorkerGroupMemberLine
      if (parsed.event === 'assignment') latest = parsed
      else throw new Error(`worker ${name}: ${parsed.message}`)
    }
  })
  return { name, child, latest: () => latest }
}

/** Waits until `members` are the group: one generation, every partition held exactly once. */
async function settled(members: readonly Member[], partitions: number, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const held = members.map((m) => m.latest())
    const all = held.flatMap((a) => a?.partitions ?? []).sort((a, b) => a - b)
    const generations = new Set(held.map((a) => a?.generation))
    if (
      generations.size === 1 &&
      !generations.has(undefined) &&
      all.length === partitions &&
      all.every((p, i) => p === i)
    )
      return new Map(members.map((m) => [m.name, [...(m.latest()?.partitions ?? [])]]))
    if (Date.now() > deadline)
      throw new Error(`no settled group of ${members.map((m) => m.name).join(', ')}: ${JSON.stringify(held)}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

const load = (ps: readonly number[], weights: readonly number[]) =>
  ps.reduce((n, p) => n + (weights[p] ?? 0), 0)
const bound = (weights: readonly number[], members: number) =>
  Math.ceil(load(Object.keys(weights).map(Number), weights) / members) + Math.max(...weights)

describe('kafka > worker group', () => {
  it('creates a missing companies topic, compacted, with the partitions asked for', async () => {
    const topic = uniqueName('companies')
    const group = await joinWorkerGroup(kafkaConfig, silentLogger, {
      groupId: uniqueName('workers'),
      topic,
      partitions: 6,
      sessionTimeoutMs: SESSION_MS,
      heartbeatIntervalMs: HEARTBEAT_MS,
      worker: { name: 'alone' },
      weight: () => 0,
    })
    const alone = inProcess('alone', group)
    try {
      expect(group.partitions).toBe(6)
      expect(await settled([alone], 6)).toEqual(new Map([['alone', [0, 1, 2, 3, 4, 5]]]))
      const admin = new Kafka({ brokers, clientId: 'test-worker-group', logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      try {
        const { resources } = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
        })
        expect(resources[0]?.configEntries.map((e) => e.configValue)).toEqual(['compact'])
      } finally {
        await admin.disconnect()
      }
    } finally {
      alone.sub.unsubscribe()
      await group.leave()
    }
  })

  it('assigns again when companies were added unevenly, moving only what balance needs', async () => {
    const topic = uniqueName('companies')
    const groupId = uniqueName('workers')
    const partitions = 12
    // no company at first: the partitions are balanced by count, four each
    const weights: number[] = new Array<number>(partitions).fill(0)
    const options = (name: string): WorkerGroupOptions => ({
      groupId,
      topic,
      partitions,
      sessionTimeoutMs: SESSION_MS,
      heartbeatIntervalMs: HEARTBEAT_MS,
      worker: { name },
      weight: (p) => weights[p] ?? 0,
    })
    const members = [] as ReturnType<typeof inProcess>[]
    try {
      for (const name of ['a', 'b', 'c'])
        members.push(inProcess(name, await joinWorkerGroup(kafkaConfig, silentLogger, options(name))))
      const before = await settled(members, partitions)
      const leader = members.find((m) => m.latest()?.leader === true)
      expect(leader).toBeDefined()
      // then six companies land on the partitions of one worker only
      const first = [...before.values()][0] ?? []
      for (const p of first) weights[p] = 2
      const at = members.map((m) => m.latest()?.generation)
      expect(await leader?.group.rebalance()).toBe(true)
      // two rebalances (the observer joined and left): wait for a generation past both
      const deadline = Date.now() + 30_000
      while (
        members.some((m, i) => (m.latest()?.generation ?? 0) < (at[i] ?? 0) + 2) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 50))
      const after = await settled(members, partitions)
      const loads = [...after.values()].map((ps) => load(ps, weights))
      expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(2)
      // only what balance needs moved: two of the loaded partitions, and a few empty ones back to
      // the worker that gave them (a full reshuffle would move about two thirds of the twelve)
      const ownerOf = (m: Map<string, number[]>, p: number) => [...m].find(([, ps]) => ps.includes(p))?.[0]
      const moved = Array.from({ length: partitions }, (_, p) => p).filter(
        (p) => ownerOf(before, p) !== ownerOf(after, p),
      )
      expect(moved.length).toBeGreaterThan(0)
      expect(moved.length).toBeLessThanOrEqual(5)
      // balanced now: asking again does nothing
      expect(await leader?.group.rebalance()).toBe(false)
    } finally {
      for (const m of members) {
        m.sub.unsubscribe()
        await m.group.leave()
      }
    }
  })

  it('balances the partitions, moves only what must move, and takes over from a killed worker', async () => {
    // The topic exists already with 30 partitions while the workers are configured for 128: they
    // use the 30 the brokers have, and each says so once.
    const topic = uniqueName('companies')
    const groupId = uniqueName('workers')
    const partitions = 30
    const weights = Array.from(
      { length: partitions },
      (_, p) => [0, 1, 1, 2, 0, 1, 3, 1, 0, 1][p % 10] as number,
    )
    const admin = new Kafka({ brokers, clientId: 'test-worker-group', logLevel: logLevel.NOTHING }).admin()
    await admin.connect()
    try {
      await createTopicsSettled(admin, [{ topic, numPartitions: partitions }])
    } finally {
      await admin.disconnect()
    }

    const warnings: string[] = []
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) },
    )
    const options = (name: string): WorkerGroupOptions => ({
      groupId,
      topic,
      partitions: 128,
      sessionTimeoutMs: SESSION_MS,
      heartbeatIntervalMs: HEARTBEAT_MS,
      worker: { name, opsUrl: `http://127.0.0.1:1/${name}` },
      weight: (p, count) => (count === partitions ? (weights[p] ?? 0) : 99),
    })
    const members = new Map<string, ReturnType<typeof inProcess>>()
    const join = async (name: string) => {
      const m = inProcess(name, await joinWorkerGroup(kafkaConfig, logger, options(name)))
      members.set(name, m)
      return m
    }
    let child: ReturnType<typeof inChild> | undefined
    try {
      // three workers
      const [w1, w2, w3] = [await join('w1'), await join('w2'), await join('w3')]
      const three = await settled([w1, w2, w3], partitions)
      expect(w1.group.partitions).toBe(partitions)
      expect(
        warnings.filter((w) => w.includes(`has ${partitions} partitions, not WORKER_PARTITIONS=128`)),
      ).toHaveLength(3)
      for (const ps of three.values()) expect(load(ps, weights)).toBeLessThanOrEqual(bound(weights, 3))

      // one leaves: the two others hold everything and kept what they had
      await w2.group.leave()
      members.delete('w2')
      const two = await settled([w1, w3], partitions)
      for (const name of ['w1', 'w3'])
        expect(two.get(name)).toEqual(expect.arrayContaining(three.get(name) ?? []))
      for (const ps of two.values()) expect(load(ps, weights)).toBeLessThanOrEqual(bound(weights, 2))

      // a fourth joins: it gets a share, the others only lose partitions
      const w4 = await join('w4')
      const withFourth = await settled([w1, w3, w4], partitions)
      expect(load(withFourth.get('w4') ?? [], weights)).toBeGreaterThan(0)
      for (const name of ['w1', 'w3'])
        expect(two.get(name)).toEqual(expect.arrayContaining(withFourth.get(name) ?? []))
      for (const ps of withFourth.values()) expect(load(ps, weights)).toBeLessThanOrEqual(bound(weights, 3))

      // a worker in a process of its own joins, and the group describes who holds what
      child = inChild('doomed', {
        brokers,
        groupId,
        topic,
        partitions: 128,
        sessionTimeoutMs: SESSION_MS,
        heartbeatIntervalMs: HEARTBEAT_MS,
        worker: 'doomed',
        weights,
      })
      const withChild = await settled([w1, w3, w4, child], partitions)
      expect(withChild.get('doomed')?.length).toBeGreaterThan(0)
      const described = await describeWorkerGroup(kafkaConfig, silentLogger, groupId)
      expect(described.state).toBe('Stable')
      expect(
        described.members.map((m) => ({ worker: m.worker, opsUrl: m.opsUrl, partitions: [...m.partitions] })),
      ).toEqual(
        ['doomed', 'w1', 'w3', 'w4'].map((worker) => ({
          worker,
          opsUrl: `http://127.0.0.1:1/${worker}`,
          partitions: withChild.get(worker),
        })),
      )

      // SIGKILL: no LeaveGroup; the coordinator expels it after the session, the others take over
      const killedAt = Date.now()
      child.child.kill('SIGKILL')
      const survivors = await settled([w1, w3, w4], partitions, 30_000)
      const seconds = (Date.now() - killedAt) / 1000
      console.log(
        `worker group: partitions of a SIGKILLed worker reassigned ${seconds.toFixed(1)} s after the kill (session ${SESSION_MS / 1000} s)`,
      )
      for (const name of ['w1', 'w3', 'w4'])
        expect(survivors.get(name)).toEqual(expect.arrayContaining(withChild.get(name) ?? []))
      expect(
        (await describeWorkerGroup(kafkaConfig, silentLogger, groupId)).members.map((m) => m.worker),
      ).toEqual(['w1', 'w3', 'w4'])
    } finally {
      child?.child.kill('SIGKILL')
      await Promise.all(
        [...members.values()].map(async (m) => {
          m.sub.unsubscribe()
          await m.group.leave()
        }),
      )
    }
  })

  it('describes a group nobody joined as empty', async () => {
    const described = await describeWorkerGroup(kafkaConfig, silentLogger, uniqueName('nobody'))
    expect(described.members).toEqual([])
    expect(['Dead', 'Empty']).toContain(described.state)
  })
})
