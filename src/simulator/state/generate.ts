// The deterministic company generator: a seed and sizes give the same company every time.
// No Date.now, no Math.random: every value comes from the seeded stream and the start instant.
import { seededRandom, seededUuid, type Random } from '../random'
import { dayOf } from '../time-format'
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

export interface CompanySizes {
  seed: number
  employees: number
  absencesPerEmployee: number
  absencePeriodsPerEmployee: number
  attendancesPerEmployee: number
  reports: number
  customAttributes: number
}

export interface GeneratedCompany {
  catalogue: Catalogue
  customAttributes: CustomAttributeDef[]
  employees: EmployeeState[]
  timeOffTypes: TimeOffTypeState[]
  timeOffs: TimeOffState[]
  absencePeriods: AbsencePeriodState[]
  attendances: AttendanceState[]
  projects: ProjectState[]
  documentCategories: { id: number; name: string }[]
  reports: ReportState[]
}

const FIRST = [
  'Anna',
  'Jürgen',
  'Zoë',
  'Mehmet',
  'Lena',
  'Søren',
  'Chloé',
  'Maximilian',
  'Ada',
  'Björn',
  'Fatma',
  'Luca',
  'Grete',
  'Noah',
  'Ines',
]
const LAST = [
  'Müller',
  'Schmidt',
  'Weiß',
  'Özdemir',
  'Schröder',
  'Nguyen',
  'Kowalski',
  'García',
  'Fischer',
  'Becker',
  "O'Brien",
  'Hoffmann',
  'Krüger',
]
const POSITIONS = [
  'Software Engineer',
  'People Partner',
  'Account Executive',
  'Designer',
  'Controller',
  'Werkstudent:in',
  'Team Lead',
]
const DAY = 86_400_000

export const CUSTOM_ATTRIBUTE_TEMPLATES: readonly Omit<CustomAttributeDef, 'key'>[] = [
  { label: 'IBAN', type: 'standard', universalId: 'iban' },
  { label: 'Titel', type: 'standard', universalId: null },
  { label: 'Shirt size', type: 'list', universalId: 'shirt_size', options: ['S', 'M', 'L', 'XL'] },
  { label: 'Eintrittsdatum Konzern', type: 'date', universalId: null },
  { label: 'Parking spots', type: 'integer', universalId: 'parking_spots' },
  { label: 'Bonus (%)', type: 'decimal', universalId: null },
]

function catalogue(): Catalogue {
  const named = (names: string[], base: number) => names.map((name, i) => ({ id: base + i, name }))
  return {
    offices: named(['Berlin', 'München', 'Madrid', 'Remote'], 9),
    departments: named(['Engineering', 'People', 'Sales', 'Finance'], 100),
    teams: named(['Platform', 'Payroll', 'Growth', 'Core HR', 'Data'], 200),
    subcompanies: named(['Acme GmbH', 'Acme S.L.'], 300),
    costCenters: named(['R&D', 'G&A', 'S&M'], 3),
    holidayCalendars: [
      { id: 1, name: 'DE (Berlin) Feiertage', country: 'DE', state: 'Berlin' },
      { id: 2, name: 'ES Festivos', country: 'ES', state: null },
    ],
    workSchedules: [
      {
        id: 1,
        name: 'Full time 40h',
        validFrom: dayOf(Date.UTC(2020, 0, 1)),
        hours: ['08:00', '08:00', '08:00', '08:00', '08:00', '00:00', '00:00'],
      },
      {
        id: 2,
        name: 'Part time 20h',
        validFrom: dayOf(Date.UTC(2021, 5, 1)),
        hours: ['04:00', '04:00', '04:00', '04:00', '04:00', '00:00', '00:00'],
      },
    ],
  }
}

export function customAttributeDefs(count: number): CustomAttributeDef[] {
  return Array.from({ length: count }, (_, i) => {
    const template = CUSTOM_ATTRIBUTE_TEMPLATES[i % CUSTOM_ATTRIBUTE_TEMPLATES.length] as Omit<
      CustomAttributeDef,
      'key'
    >
    const round = Math.floor(i / CUSTOM_ATTRIBUTE_TEMPLATES.length)
    return {
      ...template,
      key: `dynamic_${21827 + i * 37}`,
      label: round === 0 ? template.label : `${template.label} ${round + 1}`,
      universalId:
        template.universalId === null || round === 0
          ? template.universalId
          : `${template.universalId}_${round + 1}`,
    }
  })
}

export function customValue(def: CustomAttributeDef, random: Random): string | number | null {
  if (random.chance(0.15)) return null
  switch (def.type) {
    case 'date':
      return `20${random.int(10, 24)}-0${random.int(1, 9)}-1${random.int(0, 9)}`
    case 'integer':
      return random.int(0, 3)
    case 'decimal':
      return random.int(0, 2000) / 100
    case 'list':
      return random.pick(def.options ?? ['x'])
    default:
      return def.label === 'IBAN'
        ? `DE${random.int(10, 99)} 1001 0010 ${random.int(1000, 9999)} ${random.int(1000, 9999)} 00`
        : random.pick(['Dr.', 'Prof.', '', 'Dipl.-Ing.'])
  }
}

function employee(
  id: number,
  random: Random,
  now: number,
  cat: Catalogue,
  defs: CustomAttributeDef[],
  supervisorId: number | null,
): EmployeeState {
  const first = random.pick(FIRST)
  const last = random.pick(LAST)
  const hireDate = dayOf(now) - random.int(30, 3000)
  const inactive = random.chance(0.1)
  const termination = inactive ? hireDate + random.int(20, 800) : null
  const createdAt = (hireDate - random.int(5, 40)) * DAY + random.int(0, 86_399) * 1000
  const custom: Record<string, string | number | null> = {}
  for (const def of defs) custom[def.key] = customValue(def, random)
  const salaried = random.chance(0.85)
  return {
    id,
    firstName: first,
    lastName: last,
    preferredName: random.chance(0.2) ? `${first} ${last.slice(0, 1)}.` : null,
    email: random.chance(0.95)
      ? `${first}.${last}.${id}@example.com`
          .toLowerCase()
          .replace(/ä/g, 'ae')
          .replace(/ö/g, 'oe')
          .replace(/ü/g, 'ue')
          .replace(/ß/g, 'ss')
          .normalize('NFD')
          .replace(/[^a-z0-9.@]/g, '')
      : null,
    gender: random.pick(['male', 'female', 'diverse'] as const),
    status: inactive
      ? 'inactive'
      : random.pick(['active', 'active', 'active', 'onboarding', 'leave'] as const),
    position: random.pick(POSITIONS),
    supervisorId,
    employmentType: random.chance(0.9) ? 'internal' : 'external',
    weeklyWorkingHours: random.pick(['40', '32', '20', '38.5']),
    hireDate,
    contractEndDate: random.chance(0.1) ? hireDate + 730 : null,
    terminationDate: termination,
    terminationType: inactive ? random.pick(['Kündigung durch Arbeitnehmer', 'Aufhebungsvertrag']) : null,
    terminationReason: inactive ? random.pick(['New job', 'Relocation', null]) : null,
    probationPeriodEnd: hireDate + 180,
    lastWorkingDay: termination,
    createdAt,
    lastModifiedAt: Math.min(now, createdAt + random.int(0, 400) * DAY),
    subcompanyId: random.pick(cat.subcompanies).id,
    officeId: random.chance(0.95) ? random.pick(cat.offices).id : null,
    departmentId: random.pick(cat.departments).id,
    teamId: random.chance(0.8) ? random.pick(cat.teams).id : null,
    costCenters: random.chance(0.7)
      ? [{ id: random.pick(cat.costCenters).id, percentage: 100 }]
      : [
          { id: 3, percentage: 60 },
          { id: 4, percentage: 40 },
        ],
    holidayCalendarId: random.pick(cat.holidayCalendars).id,
    workScheduleId: random.pick(cat.workSchedules).id,
    fixSalary: salaried ? random.int(3000, 9000) * 12 + random.int(0, 99) / 100 : null,
    fixSalaryInterval: salaried ? 'yearly' : null,
    hourlySalary: salaried ? null : random.int(1500, 4000) / 100,
    custom,
  }
}

const TYPE_ROWS: [string, string | null, 'day' | 'hour'][] = [
  ['Paid vacation', 'paid_vacation', 'day'],
  ['Sick leave', 'sick_leave', 'day'],
  ['Unpaid vacation', 'unpaid_vacation', 'day'],
  ['Home office', 'offsite_work', 'day'],
  ['Doctor appointment', 'other', 'hour'],
  ['Overtime reduction', null, 'hour'],
]

export function generateCompany(sizes: CompanySizes, now: number): GeneratedCompany {
  const random = seededRandom(sizes.seed)
  const cat = catalogue()
  const defs = customAttributeDefs(sizes.customAttributes)
  const employees: EmployeeState[] = []
  for (let i = 0; i < sizes.employees; i++) {
    const id = 1000 + i
    // Everyone but the first few reports to someone created before them, so supervisors exist.
    const supervisor = i < 3 ? null : 1000 + random.int(0, Math.min(i - 1, 20))
    employees.push(employee(id, random, now, cat, defs, supervisor))
  }
  const timeOffTypes = TYPE_ROWS.map(([name, category, unit], i) => ({
    id: 113 + i,
    name,
    category,
    unit,
    approvalRequired: i % 2 === 0,
    uuid: seededUuid(random),
  }))
  const dayTypes = timeOffTypes.filter((t) => t.unit === 'day')
  const hourTypes = timeOffTypes.filter((t) => t.unit === 'hour')
  const timeOffs: TimeOffState[] = []
  const absencePeriods: AbsencePeriodState[] = []
  const attendances: AttendanceState[] = []
  const projects: ProjectState[] = Array.from({ length: 4 }, (_, i) => {
    const createdAt = now - random.int(100, 900) * DAY
    return {
      id: seededUuid(random),
      name: ['Website relaunch', 'Payroll migration', 'Kundenportal', 'Internal tools'][i] as string,
      projectCode: random.chance(0.7) ? `P-${100 + i}` : null,
      clientName: random.chance(0.5) ? 'Acme Kunde AG' : null,
      billable: random.chance(0.5),
      costCenterId: null,
      parentProjectId: null,
      status: i === 3 ? 'INACTIVE' : 'ACTIVE',
      startDay: dayOf(createdAt),
      endDay: i === 3 ? dayOf(createdAt) + 90 : null,
      trackedMinutes: random.int(0, 50_000),
      createdAt,
      updatedAt: createdAt + random.int(0, 90) * DAY,
    }
  })
  let timeOffId = 900_000
  for (const e of employees) {
    for (let k = 0; k < sizes.absencesPerEmployee; k++) {
      const startDay = dayOf(now) + random.int(-200, 120)
      const days = random.int(1, 10)
      const createdAt = (startDay - random.int(1, 60)) * DAY + random.int(28_800, 64_800) * 1000
      timeOffs.push({
        id: timeOffId++,
        employeeId: e.id,
        typeId: random.pick(dayTypes).id,
        status: random.pick(['approved', 'approved', 'approved', 'pending', 'rejected'] as const),
        startDay,
        endDay: startDay + days - 1,
        daysCount: days,
        halfDayStart: random.chance(0.1),
        halfDayEnd: false,
        certificateStatus: random.pick(['not-required', 'pending', 'uploaded']),
        comment: random.chance(0.3) ? 'Urlaub an der Ostsee 🏖' : null,
        createdBy: random.chance(0.5) ? 'API' : 'Anna Müller',
        createdAt: Math.min(createdAt, now),
        updatedAt: Math.min(createdAt + random.int(0, 5) * DAY, now),
      })
      const added = timeOffs[timeOffs.length - 1] as TimeOffState
      if (added.halfDayStart) added.daysCount -= 0.5 // a half first day counts half
    }
    for (let k = 0; k < sizes.absencePeriodsPerEmployee; k++) {
      const start = (dayOf(now) + random.int(-100, 30)) * DAY + random.int(7, 10) * 3_600_000
      const createdAt = Math.min(now, start - random.int(1, 20) * DAY)
      absencePeriods.push({
        id: seededUuid(random),
        employeeId: e.id,
        typeId: random.pick(hourTypes).id,
        status: random.pick(['approved', 'pending'] as const),
        start,
        end: random.chance(0.1) ? null : start + random.int(1, 4) * 3_600_000,
        comment: random.chance(0.3) ? 'Arzttermin' : null,
        origin: random.pick(['web', 'api', 'mobile']),
        createdBy: random.chance(0.5) ? e.id : null,
        createdAt,
        // never after the company's now: Personio stamps no change it has not seen yet
        updatedAt: Math.min(now, createdAt + random.int(0, 3_600) * 1000),
        approvedAt: random.chance(0.6) ? Math.min(now, createdAt + 3_600_000) : null,
      })
    }
    for (let k = 0; k < sizes.attendancesPerEmployee; k++) {
      const start = (dayOf(now) - random.int(1, 60)) * DAY + random.int(6, 10) * 3_600_000
      const updatedAt = Math.min(now, start + random.int(8, 30) * 3_600_000)
      attendances.push({
        id: seededUuid(random),
        employeeId: e.id,
        kind: random.chance(0.85) ? 'WORK' : 'BREAK',
        start,
        end: random.chance(0.05) ? null : start + random.int(1, 9) * 3_600_000,
        comment: random.chance(0.2) ? 'Kundentermin' : null,
        projectId: random.chance(0.4) ? random.pick(projects).id : null,
        status: random.pick(['CONFIRMED', 'CONFIRMED', 'PENDING', 'REJECTED'] as const),
        autoGenerated: random.chance(0.1),
        createdAt: updatedAt,
        updatedAt,
      })
    }
  }
  const reportColumns = [
    'first_name',
    'last_name',
    'department',
    'cost_centers',
    'absence_overview',
    'hire_date',
  ]
  const reports: ReportState[] = Array.from({ length: sizes.reports }, (_, i) => {
    const createdAt = now - random.int(10, 300) * DAY
    const type = (['point_in_time', 'historical_data', 'timeframe'] as const)[i % 3] as ReportState['type']
    return {
      id: seededUuid(random),
      name: ['Headcount', 'Salary history', 'Absences Q1', 'Cost centres'][i % 4] as string,
      description: i % 2 === 0 ? 'Monthly board report' : null,
      authorFirstName: 'Anna',
      authorLastName: 'Müller',
      type,
      status: 'up_to_date',
      archived: false,
      startDay: type === 'point_in_time' ? null : dayOf(now) - 90,
      endDay: type === 'point_in_time' ? null : dayOf(now),
      createdAt,
      updatedAt: createdAt + DAY,
      dataRefreshedAt: now - 3_600_000,
      columns: reportColumns.slice(0, 3 + (i % 4)),
    }
  })
  const documentCategories = ['Contracts', 'Payslips', 'Zeugnisse', 'Certificates of incapacity'].map(
    (name, i) => ({ id: 500 + i, name }),
  )
  return {
    catalogue: cat,
    customAttributes: defs,
    employees,
    timeOffTypes,
    timeOffs,
    absencePeriods,
    attendances,
    projects,
    documentCategories,
    reports,
  }
}
