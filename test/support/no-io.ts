// setupFilesAfterEnv of the `unit` project: unit tests promise no network and no child processes,
// so both throw here. A test that needs a socket or a JVM belongs in integration/ or system/.
// Node's core modules are shared by every test file a jest worker runs (of any project), so the
// originals are put back after each file.
import childProcess from 'node:child_process'
import net from 'node:net'

const refuse = (what: string) => () => {
  throw new Error(
    `unit tests do no I/O: ${what} is not allowed here (move the test to integration/ or system/)`,
  )
}

const patches: [object, string][] = [
  [net.Server.prototype, 'listen'],
  [net.Socket.prototype, 'connect'],
  ...(['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const).map(
    (name): [object, string] => [childProcess, name],
  ),
]
const originals = patches.map(([target, name]) => Object.getOwnPropertyDescriptor(target, name))

for (const [target, name] of patches) {
  Object.defineProperty(target, name, { value: refuse(name), configurable: true, writable: true })
}

afterAll(() => {
  patches.forEach(([target, name], i) => {
    const original = originals[i]
    if (original !== undefined) Object.defineProperty(target, name, original)
  })
})
