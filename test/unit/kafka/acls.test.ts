// doctor's ACL judgement (src/kafka/acls.ts), from describeAcls answers as a broker with an authorizer gives them.
import {
  AclOperationTypes as Op,
  AclPermissionTypes as Permission,
  AclResourceTypes as Res,
  ResourcePatternTypes as Pattern,
  type DescribeAclResource,
} from 'kafkajs'
import { aclFix, aclNeeds, isAllowed } from '../../../src/kafka/acls'

const principal = 'User:svc'
const acl = (operation: Op, permissionType = Permission.ALLOW, who = principal) => ({
  principal: who,
  host: '*',
  operation,
  permissionType,
})
const needs = aclNeeds('hr')
const need = (what: string) => needs.find((n) => n.what.startsWith(what)) as (typeof needs)[number]

describe('kafka > ACLs', () => {
  it('a prefixed ALLOW covers every topic of the prefix; a literal one only its own name', () => {
    const prefixed: DescribeAclResource[] = [
      {
        resourceType: Res.TOPIC,
        resourceName: 'hr.',
        resourcePatternType: Pattern.PREFIXED,
        acls: [acl(Op.WRITE)],
      },
    ]
    expect(isAllowed(prefixed, principal, need('write'))).toBe(true)
    const literal: DescribeAclResource[] = [
      {
        resourceType: Res.TOPIC,
        resourceName: 'hr.absences',
        resourcePatternType: Pattern.LITERAL,
        acls: [acl(Op.WRITE)],
      },
    ]
    expect(isAllowed(literal, principal, need('write'))).toBe(false)
  })

  it('ALL counts, User:* counts, another principal does not, and a DENY wins', () => {
    const on = (acls: ReturnType<typeof acl>[]): DescribeAclResource[] => [
      { resourceType: Res.TOPIC, resourceName: '*', resourcePatternType: Pattern.LITERAL, acls },
    ]
    expect(isAllowed(on([acl(Op.ALL)]), principal, need('create'))).toBe(true)
    expect(isAllowed(on([acl(Op.WRITE, Permission.ALLOW, 'User:*')]), principal, need('write'))).toBe(true)
    expect(isAllowed(on([acl(Op.WRITE, Permission.ALLOW, 'User:other')]), principal, need('write'))).toBe(
      false,
    )
    expect(isAllowed(on([acl(Op.ALL), acl(Op.WRITE, Permission.DENY)]), principal, need('write'))).toBe(false)
  })

  it('checks the transactional ids and says how to grant what is missing', () => {
    const tx = need('use its transactional ids')
    expect(tx.name).toBe('personio-kafka.hr.employees')
    expect(aclFix(principal, tx)).toBe(
      "kafka-acls --bootstrap-server <broker> --add --allow-principal User:svc --operation Write --transactional-id 'personio-kafka.hr.' --resource-pattern-type prefixed",
    )
    expect(aclFix(principal, need('read topic configs'))).toContain(
      "--operation DescribeConfigs --topic 'hr.'",
    )
  })
})
