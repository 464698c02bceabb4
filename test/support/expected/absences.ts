// Daily absences, hourly absence periods, time-off types and balances, from the v1 JSON of
// personio-api.md §6.2-6.4 and §6.8. Field names and order follow schemas/<resource>-value.avsc.
import { at, v1PageNumbers, v1UnpagedUnder, type RawPersonio } from './http'
import { day, flag, instant, int, json, num, text, type Row } from './values'

const a = (item: unknown, ...path: (string | number)[]) => at(item, 'attributes', ...path)

/** v1 time-offs: the id sits inside `attributes`; the employee is a short Employee. */
export async function expectedAbsences(api: RawPersonio): Promise<Row[]> {
  const items = await v1PageNumbers(api, '/v1/company/time-offs', 200)
  return items.map((o) => ({
    id: int(a(o, 'id')),
    employee_id: int(a(o, 'employee', 'attributes', 'id', 'value')),
    status: text(a(o, 'status')),
    start_date: day(a(o, 'start_date')),
    end_date: day(a(o, 'end_date')),
    days_count: num(a(o, 'days_count')),
    half_day_start: flag(a(o, 'half_day_start')),
    half_day_end: flag(a(o, 'half_day_end')),
    time_off_type_id: int(a(o, 'time_off_type', 'attributes', 'id')),
    time_off_type_name: text(a(o, 'time_off_type', 'attributes', 'name')),
    certificate_status: text(a(o, 'certificate', 'status')),
    comment: text(a(o, 'comment')),
    created_by: text(a(o, 'created_by')),
    created_at: instant(a(o, 'created_at')),
    updated_at: instant(a(o, 'updated_at')),
    id_v2: text(a(o, 'id_v2')),
  }))
}

/** v1 hourly absence periods: UUID ids, UTC instants, per-day breakdowns kept as JSON text. */
export async function expectedAbsencePeriods(api: RawPersonio): Promise<Row[]> {
  const items = await v1PageNumbers(api, '/v1/company/absence-periods', 200)
  return items.map((p) => ({
    id: text(a(p, 'id')),
    employee_id: int(a(p, 'employee', 'attributes', 'id', 'value')),
    absence_type_id: text(a(p, 'absence_type', 'attributes', 'id')),
    time_off_type_id: int(a(p, 'absence_type', 'attributes', 'time_off_type_id')),
    absence_type_name: text(a(p, 'absence_type', 'attributes', 'name')),
    status: text(a(p, 'status')),
    start: instant(a(p, 'start')),
    end: instant(a(p, 'end')),
    effective_duration_minutes: int(a(p, 'effective_duration')),
    timezone: text(a(p, 'timezone')),
    breakdowns: json(a(p, 'breakdowns')),
    half_day_start: flag(a(p, 'half_day_start')),
    half_day_end: flag(a(p, 'half_day_end')),
    certificate_status: text(a(p, 'certificate', 'status')),
    comment: text(a(p, 'comment')),
    origin: text(a(p, 'origin')),
    created_by: int(a(p, 'created_by')),
    created_at: instant(a(p, 'created_at')),
    updated_at: instant(a(p, 'updated_at')),
    approved_at: instant(a(p, 'approved_at')),
  }))
}

/** v1 time-off types, with the fields live tenants still send though the docs dropped them. */
export async function expectedAbsenceTypes(api: RawPersonio): Promise<Row[]> {
  const items = await v1PageNumbers(api, '/v1/company/time-off-types', 200)
  return items.map((t) => ({
    id: int(a(t, 'id')),
    name: text(a(t, 'name')),
    category: text(a(t, 'category')),
    unit: text(a(t, 'unit')),
    approval_required: flag(a(t, 'approval_required')),
    legacy_category: text(a(t, 'legacy_category')),
    half_day_requests_enabled: flag(a(t, 'half_day_requests_enabled')),
    certification_required: flag(a(t, 'certification_required')),
    certification_submission_timeframe: int(a(t, 'certification_submission_timeframe')),
    substitute_option: text(a(t, 'substitute_option')),
  }))
}

/**
 * One balance row per employee and time-off type; the employee id comes from the request path, as
 * the rows do not carry it. An employee gone between the listing and its balance (404) has none.
 */
export async function expectedBalances(api: RawPersonio, employeeIds: readonly number[]): Promise<Row[]> {
  const out: Row[] = []
  for (const employeeId of employeeIds) {
    const rows = await v1UnpagedUnder(api, `/v1/company/employees/${employeeId}/absences/balance`)
    for (const b of rows ?? [])
      out.push({
        employee_id: employeeId,
        id: int(at(b, 'id')),
        // docs/contract.md: always null since 2026-12 (join absence_types by id for the name)
        name: null,
        category: text(at(b, 'category')),
        balance: num(at(b, 'balance')),
        available_balance: num(at(b, 'available_balance')),
      })
  }
  return out
}
