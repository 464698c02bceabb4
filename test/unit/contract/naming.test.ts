import fc from 'fast-check'
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
  })

  it('gives an Avro-legal name for any label Personio may hold', () => {
    const labels = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        'IBAN/BIC',
        'E-Mail',
        'Kostenstelle #2',
        'ﬁle',
        'İstanbul',
        '名前',
        '🎉 Party',
        'a.b.c',
      ),
    )
    fc.assert(
      fc.property(labels, (label) => {
        expect(avroFieldName(label)).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/)
      }),
      { numRuns: 500 },
    )
  })

  it('throws on a collision between two sources', () => {
    const owners = new Map([['iban', 'dynamic_1']])
    expect(() => assertNoCollision(owners, 'iban', 'dynamic_2')).toThrow(ContractError)
    expect(() => assertNoCollision(owners, 'iban', 'dynamic_1')).not.toThrow()
  })
})
