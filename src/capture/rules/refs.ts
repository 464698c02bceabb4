// Which fields of a resource are remembered per key beside its fingerprint, so that a delete still
// names them: those a stage follows (absences → employee_id for balances), published as
// `pk.ref.<field>` headers; those a cascade finds records by (`removedWith`: a deleted person's
// attendances); and the v2 id webhook capture finds a record by (`by-v2-id`: a time-off's id_v2).
import { resources, type ResourceName } from '../../resources'

export function refFieldsOf(name: ResourceName): string[] {
  const fields = new Set<string>()
  for (const r of Object.values(resources))
    for (const t of r.stage?.touchedBy ?? [])
      if (t.resource === name && t.field !== undefined) fields.add(t.field)
  // a record that goes with a deleted parent is found by the parent id it remembers (cascade.ts)
  for (const w of resources[name].removedWith ?? []) fields.add(w.field)
  const webhook = resources[name].webhook
  if (webhook?.read === 'by-v2-id') fields.add(webhook.idField)
  return [...fields]
}
