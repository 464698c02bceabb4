// The company the simulator serves, and every way to change it. Each mutation stamps the record's
// change timestamp from the simulated clock (strictly increasing); deletes remove the record
// entirely, as Personio does: no tombstone, no flag, gone from listings and filters.
import { PkError } from '../../errors'
import type { SimClock } from '../clock'
import { recordAttributeChanges } from './attribute-changes'
import { vacationEntitlement } from './entitlement'
import { seededRandom, seededUuid, type Random } from '../random'
import { customAttributeDefs, customValue, generateCompany, type CompanySizes } from './generate'
import type {
  AbsencePeriodState,
  AttendanceState,
  Catalogue,
  CustomAttributeDef,
  EmployeeState,
  ProjectState,
  ReportState,
  TimeOffState,
  TimeOffTypeState,
} from './model'

export interface Collections {
  employees: EmployeeState
  timeOffs: TimeOffState
  absencePeriods: AbsencePeriodState
  timeOffTypes: TimeOffTypeState
  attendances: AttendanceState
  projects: ProjectState
  documentCategories: { id: number; name: string }
  reports: ReportState
}

export type CollectionName = keyof Collections
type Id<K extends CollectionName> = Collections[K]['id']

export const collectionNames: readonly CollectionName[] = [
  'employees',
  'timeOffs',
  'absencePeriods',
  'timeOffTypes',
  'attendances',
  'projects',
  'documentCategories',
  'reports',
]

/** The field each collection stamps on change; types and categories have none (as in Personio). */
const changeField: Partial<Record<CollectionName, 'lastModifiedAt' | 'updatedAt'>> = {
  employees: 'lastModifiedAt',
  timeOffs: 'updatedAt',
  absencePeriods: 'updatedAt',
  attendances: 'updatedAt',
  projects: 'updatedAt',
  reports: 'updatedAt',
}

/** What a mutation did, for whoever watches the company (the webhook emitter). */
export type CompanyChange = {
  [K in CollectionName]: {
    collection: K
    kind: 'created' | 'updated' | 'deleted'
    before: Collections[K] | undefined
    after: Collections[K] | undefined
    at: number
  }
}[CollectionName]

/** Rows grouped by a numeric key, in their order. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const out = new Map<number, T[]>()
  for (const row of rows) {
    const k = key(row)
    const group = out.get(k)
    if (group === undefined) out.set(k, [row])
    else group.push(row)
  }
  return out
}

function simError(message: string): PkError {
  return new PkError('PK_SIMULATOR', message)
}

export class Company {
  readonly clock: SimClock
  readonly catalogue: Catalogue
  readonly customAttributes: CustomAttributeDef[]
  /** Extra balance adjustments per (employee, type), so tests can change balances without absences. */
  readonly balanceAdjustments = new Map<string, number>()
  private readonly data: { [K in CollectionName]: Map<Id<K>, Collections[K]> }
  private readonly random: Random
  private nextNumericId = 5_000_000
  /** Sorted listings, rebuilt only after a mutation (listing 100k rows per page would be slow). */
  private readonly sorted = new Map<CollectionName, unknown[]>()
  private readonly watchers: ((change: CompanyChange) => void)[] = []
  private readonly derivedValues = new Map<string, { deps: readonly CollectionName[]; value: unknown }>()

  constructor(sizes: CompanySizes, clock: SimClock) {
    this.clock = clock
    const g = generateCompany(sizes, clock.now())
    this.random = seededRandom(sizes.seed ^ 0x5eed)
    this.catalogue = g.catalogue
    this.customAttributes = g.customAttributes
    const index = <T extends { id: string | number }>(rows: T[]) =>
      new Map(rows.map((r) => [r.id, r] as const))
    this.data = {
      employees: index(g.employees),
      timeOffs: index(g.timeOffs),
      absencePeriods: index(g.absencePeriods),
      timeOffTypes: index(g.timeOffTypes),
      attendances: index(g.attendances),
      projects: index(g.projects),
      documentCategories: index(g.documentCategories),
      reports: index(g.reports),
    } as { [K in CollectionName]: Map<Id<K>, Collections[K]> }
  }

  /** All records of a collection in id order (Personio lists in a stable order). */
  list<K extends CollectionName>(name: K): readonly Collections[K][] {
    const cached = this.sorted.get(name) as Collections[K][] | undefined
    if (cached !== undefined) return cached
    const rows = [...this.data[name].values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    this.sorted.set(name, rows)
    return rows
  }

  /**
   * A value computed from some collections (an index, a joined view), kept until one of them
   * changes: renderers at 100,000 employees cannot rebuild one per request.
   */
  derived<T>(key: string, deps: readonly CollectionName[], build: () => T): T {
    const hit = this.derivedValues.get(key)
    if (hit !== undefined) return hit.value as T
    const value = build()
    this.derivedValues.set(key, { deps, value })
    return value
  }

  /** Calls `watcher` after every create, update and delete; returns the way to stop watching. */
  watch(watcher: (change: CompanyChange) => void): () => void {
    this.watchers.push(watcher)
    return () => {
      const i = this.watchers.indexOf(watcher)
      if (i >= 0) this.watchers.splice(i, 1)
    }
  }

  private changed<K extends CollectionName>(
    name: K,
    kind: CompanyChange['kind'],
    before: Collections[K] | undefined,
    after: Collections[K] | undefined,
    /** the change stamp where the collection has one, else the clock */
    at: number = this.clock.now(),
  ): void {
    this.sorted.delete(name)
    for (const [key, d] of this.derivedValues) if (d.deps.includes(name)) this.derivedValues.delete(key)
    const change = { collection: name, kind, before, after, at } as CompanyChange
    for (const watcher of this.watchers) watcher(change)
  }

  /** An employee's time-offs, from an index kept until time-offs change. */
  timeOffsOf(employeeId: number): readonly TimeOffState[] {
    const index = this.derived('time-offs-by-employee', ['timeOffs'], () =>
      groupBy(this.list('timeOffs'), (o) => o.employeeId),
    )
    return index.get(employeeId) ?? []
  }

  get<K extends CollectionName>(name: K, id: Id<K>): Collections[K] | undefined {
    return this.data[name].get(id)
  }

  count(name: CollectionName): number {
    return this.data[name].size
  }

  /** Creates a record; fields not given are filled like a generated one would be. */
  create<K extends CollectionName>(name: K, fields: Partial<Collections[K]>): Collections[K] {
    const template = this.list(name)[0]
    if (template === undefined && Object.keys(fields).length === 0)
      throw simError(`cannot create ${name} from nothing`)
    const id =
      fields.id ?? (typeof template?.id === 'string' ? seededUuid(this.random) : this.nextNumericId++)
    if (this.data[name].has(id as Id<K>)) throw simError(`${name} ${String(id)} exists already`)
    const stamp = this.clock.stamp()
    const record = { ...template, ...fields, id } as Collections[K]
    const field = changeField[name]
    if (field !== undefined) Object.assign(record, { [field]: stamp, createdAt: stamp })
    this.data[name].set(id as Id<K>, record)
    this.changed(name, 'created', undefined, record, field === undefined ? undefined : stamp)
    return record
  }

  update<K extends CollectionName>(name: K, id: Id<K>, patch: Partial<Collections[K]>): Collections[K] {
    const current = this.data[name].get(id)
    if (current === undefined) throw simError(`${name} ${String(id)} does not exist`)
    let next = { ...current, ...patch, id } as Collections[K]
    const field = changeField[name]
    const stamp = field === undefined ? undefined : this.clock.stamp()
    if (field !== undefined) Object.assign(next, { [field]: stamp })
    if (name === 'employees' && stamp !== undefined)
      next = recordAttributeChanges(current as EmployeeState, next as EmployeeState, stamp) as Collections[K]
    this.data[name].set(id, next)
    this.changed(name, 'updated', current, next, stamp)
    return next
  }

  remove<K extends CollectionName>(name: K, id: Id<K>): void {
    const current = this.data[name].get(id)
    if (current === undefined || !this.data[name].delete(id))
      throw simError(`${name} ${String(id)} does not exist`)
    if (name === 'employees') this.removeRecordsOf(id as number)
    this.changed(name, 'deleted', current, undefined)
  }

  /**
   * Deleting a person deletes their absences, hourly absences and attendances, as Personio does;
   * no webhook or event announces those (only `person.deleted`), so no watcher hears of them.
   */
  private removeRecordsOf(employeeId: number): void {
    for (const name of ['timeOffs', 'absencePeriods', 'attendances'] as const) {
      const rows = this.data[name] as Map<unknown, { employeeId: number }>
      let removed = false
      for (const [id, row] of rows) if (row.employeeId === employeeId) removed = rows.delete(id) || removed
      if (!removed) continue
      this.sorted.delete(name)
      for (const [key, d] of this.derivedValues) if (d.deps.includes(name)) this.derivedValues.delete(key)
    }
  }

  /**
   * A new custom attribute, like an admin adding a field in Personio: every employee gets a value,
   * or only those in `filledOn` (the others have none yet, as after adding a field in Personio).
   */
  addCustomAttribute(
    def: Partial<CustomAttributeDef> & { label: string },
    filledOn?: readonly number[],
  ): CustomAttributeDef {
    const n = this.customAttributes.length
    const full: CustomAttributeDef = {
      ...customAttributeDefs(n + 1)[n],
      ...def,
      key: def.key ?? `dynamic_${900_000 + n}`,
      type: def.type ?? 'standard',
      universalId: def.universalId ?? null,
    } as CustomAttributeDef
    if (this.customAttributes.some((d) => d.key === full.key))
      throw simError(`attribute ${full.key} exists already`)
    this.customAttributes.push(full)
    // Adding a field is not an edit of each employee: Personio does not bump last_modified_at.
    const filled = filledOn === undefined ? undefined : new Set(filledOn)
    for (const e of this.data.employees.values())
      e.custom[full.key] = filled === undefined || filled.has(e.id) ? customValue(full, this.random) : null
    return full
  }

  /** v1 balance per employee and time-off type: entitlement (entitlement.ts) minus approved days. */
  balances(employeeId: number): { typeId: number; balance: number; available: number }[] | undefined {
    const employee = this.data.employees.get(employeeId)
    if (employee === undefined) return undefined
    const today = Math.floor(this.clock.now() / 86_400_000)
    const vacation = vacationEntitlement(employee, today)
    return this.list('timeOffTypes')
      .filter((t) => t.unit === 'day')
      .map((t) => {
        const taken = this.timeOffsOf(employeeId).filter((o) => o.typeId === t.id && o.status === 'approved')
        const past = taken.filter((o) => o.startDay <= today).reduce((s, o) => s + o.daysCount, 0)
        const all = taken.reduce((s, o) => s + o.daysCount, 0)
        const entitlement = t.category === 'paid_vacation' ? vacation : 0
        const adjust = this.balanceAdjustments.get(`${employeeId}:${t.id}`) ?? 0
        return { typeId: t.id, balance: entitlement - past + adjust, available: entitlement - all + adjust }
      })
  }
}
