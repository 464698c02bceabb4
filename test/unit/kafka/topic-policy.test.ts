import { deadLetterTopicSpec, entityTopicSpec, topicConflict } from '../../../src/kafka/topic-policy'

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
})
