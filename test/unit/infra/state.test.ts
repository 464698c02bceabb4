// The lock that serialises local provisioning: an installed copy whose folder is not writable (the
// container's /app) gets one line saying where to put the JVMs instead, not a raw EACCES.
describe('infra > state', () => {
  const saved = process.env.PK_INFRA_ROOT
  afterEach(() => {
    if (saved === undefined) delete process.env.PK_INFRA_ROOT
    else process.env.PK_INFRA_ROOT = saved
  })

  it('says what to do when the infra folder cannot be created', async () => {
    process.env.PK_INFRA_ROOT = '/dev/null/infra' // below a file: mkdir fails (ENOTDIR), as a read-only /app does
    let withLock: typeof import('../../../src/infra/state').withLock = async (fn) => fn()
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh module registry needs require
      withLock = (require('../../../src/infra/state') as typeof import('../../../src/infra/state')).withLock
    })
    const work = jest.fn(async () => 'ran')
    const failure = await withLock(work).then(
      () => undefined,
      (e: unknown) => e as Error,
    )
    expect(failure?.name).toBe('InfraError')
    expect(failure?.message).toMatch(/^Cannot create \/dev\/null\/infra .*ENOTDIR.*set PK_INFRA_ROOT/)
    expect(work).not.toHaveBeenCalled()
  })
})
