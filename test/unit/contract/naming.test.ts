import { ContractError } from '../../../src/errors'
import {
  assertNoCollision,
  avroFieldName,
  dlqTopic,
  keySubject,
  topicFor,
  valueSubject,
} from '../../../src/contract/naming'

describe('contract > naming', () => {
  it('names topics and subjects by TopicNameStrategy', () => {
    const topic = topicFor('personio', 'employees')
    expect([topic, keySubject(topic), valueSubject(topic), dlqTopic('personio')]).toEqual([
      'personio.employees',
      'personio.employees-key',
      'personio.employees-value',
      'personio._dlq',
    ])
  })

  it.each([
    ['Größe (cm)', 'groesse_cm'],
    ['Akademischer Titel', 'akademischer_titel'],
    ['Café', 'cafe'],
    ['2nd address', '_2nd_address'],
    ['shirtSize', 'shirt_size'],
    ['!!!', 'field'],
  ])('sanitises %s to %s', (label, name) => {
    expect(avroFieldName(label)).toBe(name)
    expect(name).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/)
  })

  it('throws on a collision between two sources', () => {
    const owners = new Map([['iban', 'dynamic_1']])
    expect(() => assertNoCollision(owners, 'iban', 'dynamic_2')).toThrow(ContractError)
    expect(() => assertNoCollision(owners, 'iban', 'dynamic_1')).not.toThrow()
  })
})
