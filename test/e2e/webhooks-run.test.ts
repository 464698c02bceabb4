// `run` following Personio's webhooks as a deployment runs it: the service SIGKILLed right after it
// acknowledged a delivery loses nothing (the delivery was in the inbox before the 202, and Personio
// will not send it again); a second service started behind the same URL (a load balancer sending
// each delivery to either, as in a rolling deploy) takes over: the first is fenced and stops, the
// deliveries the balancer still sends to it fail and Personio delivers them again, and each change
// is published once. Two services both capturing one prefix is not a deployment the design allows
// (one transactional id per resource and prefix: README, "Run one instance per topic prefix").
import { createServer as createHttpServer, request as httpRequest } from 'node:http'
import { resources } from '../../src/resources'
import { startSimulator, type RunningSimulator } from '../../src/simulator'
import { testInfra, uniqueName } from '../infra/env'
import { startCli, type CliChild } from '../support/cli-child'
import { harnessPreloads } from '../support/cli-preload'
import { readAll, readTable } from '../support/compacted'
import { captureEnv } from '../support/exactly-once'
import { freePort, waitFor } from '../support/net-wait'
import { subscribe } from '../support/subscribe'

const infra = testInfra()
/** a CLI child starts slower than an engine in the test process */
const waitLong = (what: string, check: () => Promise<boolean> | boolean) => waitFor(what, check, 60_000)
const TOKEN = 'Bearer e2e-webhook-token-0123456789'

const lastNameOf = async (prefix: string, id: number) =>
  (await readTable(infra.brokers, infra.registryUrl, prefix, 'employees')).table.get(`[${id}]`)?.last_name

describe('e2e > run with webhooks', () => {
  let sim: RunningSimulator
  const children: CliChild[] = []
  beforeEach(async () => {
    sim = await startSimulator({
      employees: 8,
      rateLimits: false,
      reports: 0,
      realClock: true,
      webhooks: { allowHttp: true },
    })
  })
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.child.kill('SIGKILL')
      await c.done
    }
    await sim.close()
  })

  const runWith = (prefix: string, port: number, publicUrl: string, extra: Record<string, string> = {}) => {
    const c = startCli(
      ['run', '--resources', 'employees'],
      {
        ...captureEnv(infra, sim, prefix),
        WEBHOOK_TOKEN: TOKEN,
        WEBHOOK_PUBLIC_URL: publicUrl,
        WEBHOOK_PORT: String(port),
        WEBHOOK_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...extra,
      },
      120_000,
      harnessPreloads,
    )
    children.push(c)
    return c
  }
  const following = (c: CliChild) => /follow Personio's events/.test(c.output().stderr)

  it('SIGKILLed right after acknowledging a delivery, it loses nothing', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/personio`
    const id = await subscribe(sim, url, TOKEN, resources.employees.webhookEvents ?? [])
    const prefix = uniqueName('hook-kill')
    const first = runWith(prefix, port, url, { PK_TEST_CRASH_AT: 'webhook-after-ack:1' })
    await waitLong('webhooks to take over', () => following(first))
    await waitLong(
      'the first sync',
      async () => (await readAll(infra.brokers, `${prefix}.employees`)).length >= 8,
    )
    const [someone] = sim.company.list('employees')
    sim.company.update('employees', someone!.id, { lastName: 'Acknowledged' })
    const killed = await first.done
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.stderr).toContain('killing at webhook-after-ack:1')
    // Personio saw a 2xx: it will never deliver this event again
    expect(
      sim.webhooks
        .activityOf(id)
        .filter((d) => d.event.event_name === 'person.updated')
        .map((d) => d.delivered),
    ).toEqual([true])
    expect(await lastNameOf(prefix, someone!.id)).not.toBe('Acknowledged')
    // only the inbox has it now: the events endpoint (the other safety net) is made to forget it
    sim.webhooks.recorded.splice(0)
    const second = runWith(prefix, port, url)
    await waitLong(
      'the acknowledged change',
      async () => (await lastNameOf(prefix, someone!.id)) === 'Acknowledged',
    )
    expect(following(second)).toBe(true)
  }, 180_000)

  it('a second service behind the same URL takes over: the first stops, deliveries sent to it come again, each change once', async () => {
    const [portA, portB, front] = [await freePort(), await freePort(), await freePort()]
    // the load balancer: each delivery to the next service in turn; what each answered, in order
    let turn = 0
    const answers: string[] = []
    const balancer = createHttpServer((req, res) => {
      const port = [portA, portB][turn++ % 2]
      const service = port === portA ? 'first' : 'second'
      const upstream = httpRequest(
        { host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          answers.push(`${service} ${String(up.statusCode)}`)
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        },
      )
      upstream.on('error', () => {
        answers.push(`${service} unreachable`)
        res.writeHead(502)
        res.end()
      })
      req.pipe(upstream)
    })
    await new Promise<void>((r) => balancer.listen(front, '127.0.0.1', () => r()))
    try {
      const url = `http://127.0.0.1:${front}/personio`
      await subscribe(sim, url, TOKEN, resources.employees.webhookEvents ?? [])
      const prefix = uniqueName('hook-two')
      // its gap fill (a transaction) comes within 10 s: it learns it was fenced then at the latest
      const a = runWith(prefix, portA, url, { WEBHOOK_GAP_FILL_INTERVAL_MS: '10000' })
      await waitLong('the first service', () => following(a))
      await waitLong(
        'the first sync',
        async () => (await readAll(infra.brokers, `${prefix}.employees`)).length >= 8,
      )
      const b = runWith(prefix, portB, url)
      await waitLong('the second service', () => following(b))
      // one service per prefix: the second fenced the first, which stops at its next transaction
      const first = await a.done
      expect([first.code, first.stderr]).toEqual([4, expect.stringContaining('Another instance took over')])
      const seen = new Set(
        (await readAll(infra.brokers, `${prefix}.employees`)).map((r) => `${r.partition}:${r.offset}`),
      )
      const before = answers.length
      const people = sim.company.list('employees').slice(0, 4)
      for (const [i, p] of people.entries())
        sim.company.update('employees', p.id, { lastName: `Balanced ${i}` })
      await waitLong('every change', async () => {
        for (const [i, p] of people.entries())
          if ((await lastNameOf(prefix, p.id)) !== `Balanced ${i}`) return false
        return true
      })
      await new Promise((r) => setTimeout(r, 2_000)) // anything published twice would be here by now
      const fresh = (await readAll(infra.brokers, `${prefix}.employees`)).filter(
        (r) => !seen.has(`${r.partition}:${r.offset}`),
      )
      expect(fresh.map((r) => r.headers.__op)).toEqual(['u', 'u', 'u', 'u'])
      // every other delivery went to the stopped service and failed; Personio delivered it again
      expect(new Set(answers.slice(before))).toEqual(new Set(['first unreachable', 'second 202']))
    } finally {
      await new Promise((r) => balancer.close(r))
    }
  }, 180_000)
})
