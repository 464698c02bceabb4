// What a stage or a webhook source reports per unit of work (a poll cycle reports a CycleReport):
// shared by the sources, so none imports it from another.
import { randomUUID } from 'node:crypto'
import type { Resource, ResourceName } from '../../resources'

export interface StageReport {
  resource: ResourceName
  cycleId: string
  /** stages: their feed or a full refresh; resources followed by webhooks: the inbox, a gap fill */
  plan: 'feed' | 'refresh' | 'webhooks' | 'gap-fill'
  parents: number
  events: number
}

export const report = (resource: Resource, plan: StageReport['plan']): StageReport => ({
  resource: resource.name,
  cycleId: randomUUID().slice(0, 8),
  plan,
  parents: 0,
  events: 0,
})
