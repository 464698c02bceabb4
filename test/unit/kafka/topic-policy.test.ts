import {
  deadLetterTopicSpec,
  entityTopicSpec,
  inboxDurabilityProblem,
  topicConflict,
  webhookInboxTopicSpec,
} from '../../../src/kafka/topic-policy'

const defaults = { partitions: 3, replicationFactor: -1, deleteRetentionMs: 86_400_000 }

describe('kafka > topic-policy', () => {
  it('makes entity topics compacted with the tombstone retention', () => {
    expect(entityTopicSpec('personio.employees', defaults)).toEqual({
      topic: 'personio.employees',
      partitions: 3,
      replicationFactor: -1,
      config: { 'cleanup.policy': 'compact', 'delete.retention.ms': '86400000' },
    })
    expect(deadLetterTopicSpec('personio._dlq', defaults).config['cleanup.policy']).toBe('delete')
  })

  it('refuses an existing entity topic that is not compacted, and says how to fix it', () => {
    const spec = entityTopicSpec('personio.employees', defaults)
    expect(topicConflict(spec, { 'cleanup.policy': 'delete' })).toMatch(
      /cleanup.policy=delete.*must be compacted.*--add-config cleanup.policy=compact/,
    )
    expect(topicConflict(spec, {})).toMatch(/cleanup.policy=delete/)
    expect(topicConflict(spec, { 'cleanup.policy': 'compact' })).toBeUndefined()
    expect(topicConflict(spec, { 'cleanup.policy': 'compact,delete' })).toBeUndefined()
  })

  it('accepts any policy on the dead-letter topic', () => {
    expect(
      topicConflict(deadLetterTopicSpec('personio._dlq', defaults), { 'cleanup.policy': 'compact' }),
    ).toBeUndefined()
  })

  it('makes a 202 of the webhook receiver wait for min(2, replicas) copies of the delivery', () => {
    const inbox = (replicationFactor: number) =>
      webhookInboxTopicSpec('personio._webhooks', { ...defaults, replicationFactor })
    expect(inbox(3).config['min.insync.replicas']).toBe('2')
    expect(inbox(1).config['min.insync.replicas']).toBe('1')
    // the broker's default replication: set once the topic exists and its replicas are known
    expect(inbox(-1).config['min.insync.replicas']).toBeUndefined()
    expect(inbox(-1).minInsyncReplicas).toBe(2)
  })

  it("tells doctor when an inbox topic's acks=all means fewer copies than it should", () => {
    expect(inboxDurabilityProblem('p._webhooks', { replicas: 3, minInsyncReplicas: 1 })).toMatch(
      /min.insync.replicas=1 with 3 replicas.*--add-config min.insync.replicas=2/,
    )
    expect(inboxDurabilityProblem('p._webhooks', { replicas: 3, minInsyncReplicas: 2 })).toBeUndefined()
    expect(inboxDurabilityProblem('p._webhooks', { replicas: 1, minInsyncReplicas: 1 })).toBeUndefined()
  })
})
