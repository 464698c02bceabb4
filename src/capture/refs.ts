// Which fields of a resource a stage follows (absences → employee_id for balances): remembered per
// key so that a delete still names them, and published as `pk.ref.<field>` headers.
import { resources, type ResourceName } from '../resources'

export function refFieldsOf(name: ResourceName): string[] {
  const fields = new Set<string>()
  for (const r of Object.values(resources))
    for (const t of r.stage?.touchedBy ?? [])
      if (t.resource === name && t.field !== undefined) fields.add(t.field)
  return [...fields]
}
