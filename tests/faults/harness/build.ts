/**
 * The fault suite runs the gateway and its workers as real processes (`node …/src/server.js`,
 * `node …/src/worker.js`), so it needs the compiled sources. It compiles them into its own folder,
 * .tap/faults-dist/<fingerprint of src/>, not into dist/: other test files and `npm start` build
 * dist/ too, and a process started while another tsc rewrites its files could load half a file.
 * Concurrent fault test files build into a temp folder and rename it; the first rename wins.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '../../..')
const OUT_BASE = resolve(ROOT, '.tap/faults-dist')

function sourceFingerprint(): string {
  const hash = createHash('sha256')
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, d.name)
      if (d.isDirectory()) walk(path)
      else hash.update(`${path}:${statSync(path).mtimeMs}:${statSync(path).size}\n`)
    }
  }
  walk(resolve(ROOT, 'src'))
  return hash.digest('hex').slice(0, 16)
}

const built = (out: string) => existsSync(join(out, 'src/server.js')) && existsSync(join(out, 'src/worker.js'))

/**
 * Compiles src/ when it changed since the last build; returns the folder holding src/server.js.
 * One fault test file compiles (it holds a lock folder); the others wait for its result.
 */
export async function compiledGateway(): Promise<string> {
  const fp = sourceFingerprint()
  const out = join(OUT_BASE, fp)
  mkdirSync(OUT_BASE, { recursive: true })
  const lock = `${out}.lock`
  for (;;) {
    if (built(out)) return out
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another file is compiling; a lock older than 5 minutes was left by a killed run.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()
      if (Date.now() - since > 300_000) rmSync(lock, { recursive: true, force: true })
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    return build(out)
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function build(out: string): string {
  if (built(out)) return out
  const tmp = `${out}.tmp-${process.pid}`
  // tsc emits even when a file elsewhere has a type error; type checking is `npm run typecheck`'s job.
  const r = spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', tmp], { cwd: ROOT, encoding: 'utf8' })
  if (!existsSync(join(tmp, 'src/server.js'))) throw new Error(`could not compile the gateway: ${r.stdout}${r.stderr}`)
  try {
    renameSync(tmp, out)
  } catch {
    rmSync(tmp, { recursive: true, force: true }) // another fault test file won the race: use its build
  }
  // Older builds: drop those not touched for an hour (a running suite may still use a recent one).
  for (const name of readdirSync(OUT_BASE)) {
    const path = join(OUT_BASE, name)
    if (path !== out && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true })
  }
  return out
}
