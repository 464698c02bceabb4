// The worker group's assigner as kafkajs calls it on the leader: every member's subscription read
// (a garbled one holds nothing), every partition handed out once, a member's partitions kept.
import { AssignerProtocol, type Cluster, type GroupMember, type Logger as KafkajsLogger } from 'kafkajs'
import {
  decodeAssignedPartitions,
  decodeSubscribedTopic,
  decodeWorkerMetadata,
  encodeWorkerMetadata,
  WORKER_ASSIGNER,
  workerAssigner,
} from '../../../../src/kafka/kafkajs/worker-assigner'
import { silentLogger } from '../../../../src/ops/logger'

const topic = 'acme.companies'

describe('kafka > kafkajs > worker-assigner', () => {
  it('carries the worker, its ops URL, what it holds and since when in its subscription', () => {
    const buffer = encodeWorkerMetadata(topic, {
      worker: 'w1',
      opsUrl: 'http://w1:9464',
      owned: [3, 1],
      generation: 7,
    })
    expect(decodeSubscribedTopic(buffer)).toBe(topic)
    expect(decodeWorkerMetadata(buffer)).toEqual({
      worker: 'w1',
      opsUrl: 'http://w1:9464',
      owned: [3, 1],
      generation: 7,
    })
  })

  it('reads a garbled subscription as one that holds nothing, without throwing', () => {
    const withUserData = (userData: string) =>
      AssignerProtocol.MemberMetadata.encode({ version: 0, topics: [topic], userData: Buffer.from(userData) })
    expect(decodeWorkerMetadata(Buffer.from([1, 2, 3]))).toBeUndefined()
    expect(decodeWorkerMetadata(Buffer.alloc(0))).toBeUndefined()
    expect(decodeWorkerMetadata(withUserData('not json'))).toBeUndefined()
    expect(decodeWorkerMetadata(withUserData('null'))).toBeUndefined()
    expect(
      decodeWorkerMetadata(withUserData('{"worker":5,"owned":[1,-2,"x",2.5,4],"generation":"9"}')),
    ).toEqual({
      worker: '',
      owned: [1, 4],
    })
    expect(decodeAssignedPartitions(Buffer.from('garbage'), topic)).toEqual([])
    expect(decodeAssignedPartitions(Buffer.alloc(0), topic)).toEqual([])
  })

  it('hands every partition out once, keeps what members hold, and tolerates a garbled member', async () => {
    const cluster = {
      findTopicPartitionMetadata: () => Array.from({ length: 6 }, (_, p) => ({ partitionId: p })),
    }
    const create = workerAssigner({
      topic,
      partitions: 128, // what it was configured with; the cluster's metadata knows better
      weight: (p) => (p === 0 ? 2 : 1),
      self: () => ({ worker: 'w1', owned: [] }),
      logger: silentLogger,
    })
    const assigner = create({
      cluster: cluster as unknown as Cluster,
      groupId: 'g',
      logger: {} as KafkajsLogger,
    })
    expect(assigner.name).toBe(WORKER_ASSIGNER)
    expect(decodeWorkerMetadata(assigner.protocol({ topics: [topic] }).metadata)?.worker).toBe('w1')
    const members: GroupMember[] = [
      {
        memberId: 'm-b',
        memberMetadata: encodeWorkerMetadata(topic, { worker: 'w2', owned: [1, 2], generation: 3 }),
      },
      {
        memberId: 'm-a',
        memberMetadata: encodeWorkerMetadata(topic, { worker: 'w1', owned: [0], generation: 3 }),
      },
      { memberId: 'm-c', memberMetadata: Buffer.from('from another client') },
    ]
    const answer = await assigner.assign({ members, topics: [topic] })
    const got = new Map(answer.map((a) => [a.memberId, decodeAssignedPartitions(a.memberAssignment, topic)]))
    expect([...got.values()].flat().sort()).toEqual([0, 1, 2, 3, 4, 5])
    expect(got.get('m-a')).toEqual(expect.arrayContaining([0]))
    expect(got.get('m-b')).toEqual(expect.arrayContaining([1, 2]))
    expect(got.get('m-c')?.length).toBeGreaterThan(0)
  })
})
