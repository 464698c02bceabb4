// scripts > infra > layout: the preferred-port override.
import { parsePorts } from '../../../src/infra/layout'

describe('infra > layout', () => {
  it('reads PK_INFRA_PORTS as four ports, and refuses anything else', () => {
    expect(parsePorts(undefined)).toBeUndefined()
    expect(parsePorts('1,2,3,4')).toEqual({ kafka: 1, controller: 2, registry: 3, registryManagement: 4 })
    expect(() => parsePorts('1,2,3')).toThrow(/four ports/)
    expect(() => parsePorts('1,2,3,70000')).toThrow(/four ports/)
  })
})
