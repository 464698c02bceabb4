// v2 attendance periods and their projects (personio-api.md §7.5-7.6): flat items, string ids,
// period bounds as Berlin wall-clock `date_time` without offset, UTC `Z` change timestamps.
import { at, v2Cursor, type RawPersonio } from './http'
import { day, flag, instant, int, text, type Row } from './values'

export async function expectedAttendances(api: RawPersonio): Promise<Row[]> {
  const items = await v2Cursor(api, '/v2/attendance-periods', 100)
  return items.map((p) => ({
    id: text(at(p, 'id')),
    employee_id: int(at(p, 'person', 'id')),
    type: text(at(p, 'type')),
    start: instant(at(p, 'start', 'date_time')),
    end: instant(at(p, 'end', 'date_time')),
    attribution_date: day(at(p, 'attribution_date')),
    comment: text(at(p, 'comment')),
    project_id: text(at(p, 'project', 'id')),
    status: text(at(p, 'approval', 'status')),
    is_auto_generated: flag(at(p, 'is_auto_generated')),
    created_at: instant(at(p, 'created_at')),
    updated_at: instant(at(p, 'updated_at')),
  }))
}

export async function expectedProjects(api: RawPersonio): Promise<Row[]> {
  const items = await v2Cursor(api, '/v2/projects', 100)
  return items.map((p) => ({
    id: text(at(p, 'id')),
    name: text(at(p, 'name')),
    project_code: text(at(p, 'project_code')),
    client_name: text(at(p, 'client_name')),
    billable: flag(at(p, 'billable')),
    cost_center_id: text(at(p, 'cost_center', 'id')),
    parent_project_id: text(at(p, 'parent_project', 'id')),
    status: text(at(p, 'status')),
    start_date: day(at(p, 'start', 'date')),
    end_date: day(at(p, 'end', 'date')),
    tracked_minutes: int(at(p, 'tracked_minutes')),
    created_at: instant(at(p, 'created_at')),
    updated_at: instant(at(p, 'updated_at')),
  }))
}
