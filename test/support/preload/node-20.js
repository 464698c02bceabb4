// Makes the CLI child believe it runs on Node 20 (past its end of life), to see what a person on
// that Node reads: the refusal in src/runtime.ts, not a stack trace from a dependency.
Object.defineProperty(process.versions, 'node', { value: '20.20.2' })
