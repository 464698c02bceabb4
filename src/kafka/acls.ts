// Whether the broker's ACLs let this principal do what the producer does: write and describe its
// topics, create the missing ones, and use its transactional ids (`doctor`). Judged from
// describeAcls by Kafka's own rule; `readAcls` asks the broker.
import {
  AclOperationTypes as Op,
  AclPermissionTypes as Permission,
  AclResourceTypes as Res,
  ResourcePatternTypes as Pattern,
  type Admin,
  type DescribeAclResource,
} from 'kafkajs'
import { transactionalIdFor } from '../capture/context'

export interface AclNeed {
  what: string
  resourceType: Res.TOPIC | Res.TRANSACTIONAL_ID
  /** a concrete resource name the producer uses */
  name: string
  /** the prefix the fix grants, so every resource of the same kind is covered */
  prefix: string
  operation: Op
}

export function aclNeeds(topicPrefix: string): AclNeed[] {
  const topic = `${topicPrefix}.employees`
  // every resource's transactional id starts so (capture/context.ts transactionalIdFor)
  const txPrefix = transactionalIdFor(topicPrefix, '')
  const t = (what: string, operation: Op): AclNeed => ({
    what,
    resourceType: Res.TOPIC,
    name: topic,
    prefix: `${topicPrefix}.`,
    operation,
  })
  return [
    t('write to the topics', Op.WRITE),
    t('read topic configs (compaction check)', Op.DESCRIBE_CONFIGS),
    t('create missing topics', Op.CREATE),
    {
      what: 'use its transactional ids',
      resourceType: Res.TRANSACTIONAL_ID,
      name: transactionalIdFor(topicPrefix, 'employees'),
      prefix: txPrefix,
      operation: Op.WRITE,
    },
  ]
}

function covers(resource: DescribeAclResource, need: AclNeed): boolean {
  if (resource.resourceType !== need.resourceType) return false
  if (resource.resourcePatternType === Pattern.PREFIXED) return need.name.startsWith(resource.resourceName)
  return resource.resourceName === need.name || resource.resourceName === '*'
}

/** Kafka's rule: a matching DENY wins; otherwise a matching ALLOW (or ALL) is needed. */
export function isAllowed(
  resources: readonly DescribeAclResource[],
  principal: string,
  need: AclNeed,
): boolean {
  const matching = resources
    .filter((r) => covers(r, need))
    .flatMap((r) => r.acls)
    .filter(
      (a) =>
        (a.principal === principal || a.principal === 'User:*') &&
        [need.operation, Op.ALL].includes(a.operation),
    )
  if (matching.some((a) => a.permissionType === Permission.DENY)) return false
  return matching.some((a) => a.permissionType === Permission.ALLOW)
}

/** kafka-acls spells operations in CamelCase; kafkajs' enums have no reverse mapping. */
const opName: Partial<Record<Op, string>> = {
  [Op.WRITE]: 'Write',
  [Op.CREATE]: 'Create',
  [Op.DESCRIBE_CONFIGS]: 'DescribeConfigs',
}

export function aclFix(principal: string, need: AclNeed): string {
  const kind = need.resourceType === Res.TOPIC ? '--topic' : '--transactional-id'
  return (
    `kafka-acls --bootstrap-server <broker> --add --allow-principal ${principal} --operation ${opName[need.operation] ?? 'All'} ` +
    `${kind} '${need.prefix}' --resource-pattern-type prefixed`
  )
}

/** What the ACLs say of each need: allowed, or the command that grants it. */
export type AclReport =
  | { kind: 'no-authorizer' }
  | { kind: 'unreadable'; why: string }
  | { kind: 'judged'; verdicts: { what: string; allowed: boolean; fix: string }[] }

export async function readAcls(
  admin: Pick<Admin, 'describeAcls'>,
  principal: string,
  topicPrefix: string,
): Promise<AclReport> {
  let resources: DescribeAclResource[]
  try {
    ;({ resources } = await admin.describeAcls({
      resourceType: Res.ANY,
      resourcePatternType: Pattern.ANY,
      operation: Op.ANY,
      permissionType: Permission.ANY,
    }))
  } catch (error) {
    if ((error as { type?: string }).type === 'SECURITY_DISABLED') return { kind: 'no-authorizer' }
    return { kind: 'unreadable', why: (error as Error).message }
  }
  return {
    kind: 'judged',
    verdicts: aclNeeds(topicPrefix).map((need) => ({
      what: need.what,
      allowed: isAllowed(resources, principal, need),
      fix: aclFix(principal, need),
    })),
  }
}
