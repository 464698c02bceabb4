// A broker of its own for a test that stops and restarts Kafka: the same jars and server settings as
// src/infra, its own ports and data folder, owned (and killed) by the test that started it, so
// the shared broker other test files use is never disturbed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureKafkaJars } from '../../src/infra/download'
import { serverProperties } from '../../src/infra/kafka'
import { freePort } from '../../src/infra/ports'
import { checkPrerequisites } from '../../src/infra/prerequisites'
import { waitForKafka } from '../../src/infra/readiness'

export interface ThrowawayBroker {
  brokers: string[]
  /** SIGKILL (a crash) or SIGTERM (a clean shutdown) */
  stop(signal?: NodeJS.Signals): Promise<void>
  start(): Promise<void>
  destroy(): Promise<void>
}

export async function startThrowawayBroker(): Promise<ThrowawayBroker> {
  const javaBin = checkPrerequisites().kafkaJava.bin
  const libs = ensureKafkaJars()
  const dir = mkdtempSync(join(tmpdir(), 'pk-broker-'))
  const data = join(dir, 'data')
  const [port, controllerPort] = [await freePort(), await freePort()]
  const config = join(dir, 'server.properties')
  writeFileSync(
    config,
    serverProperties(port, controllerPort).replace(/^log\.dirs=.*$/m, `log.dirs=${data}`) +
      // small and quick: this broker lives for one test
      'log.segment.bytes=10485760\ntransaction.state.log.num.partitions=4\noffsets.topic.num.partitions=4\n',
  )
  const jvm = (heap: string, main: string, args: string[]) => [
    `-Xmx${heap}`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-cp',
    join(libs, '*'),
    main,
    ...args,
  ]
  const tool = (args: string[]) => {
    const r = spawnSync(javaBin, jvm('128m', 'kafka.tools.StorageTool', args), { encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`kafka StorageTool ${args[0]} failed: ${r.stderr || r.stdout}`)
    return r.stdout.trim()
  }
  const clusterId = tool(['random-uuid'])
  tool(['format', '-t', clusterId, '-c', config])
  const brokers = [`127.0.0.1:${port}`]
  let proc: ChildProcess | undefined
  const broker: ThrowawayBroker = {
    brokers,
    async start() {
      proc = spawn(javaBin, jvm('384m', 'kafka.Kafka', [config]), { stdio: 'ignore' })
      const started = proc
      await waitForKafka(brokers, clusterId, {
        name: 'throwaway Kafka',
        timeoutMs: 90_000,
        log: join(dir, 'no-log'),
        alive: () => started.exitCode === null,
      })
    },
    async stop(signal = 'SIGKILL') {
      const p = proc
      proc = undefined
      if (p === undefined || p.exitCode !== null) return
      await new Promise<void>((resolve) => {
        p.once('exit', () => resolve())
        p.kill(signal)
      })
    },
    async destroy() {
      await broker.stop('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
  await broker.start()
  return broker
}
