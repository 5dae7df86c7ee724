/**
 * The gateway and its workers as child processes of the suite: `node …/src/server.js` with
 * WORKERS=none, and `node …/src/worker.js` processes that can be SIGKILLed one by one. Both get a
 * clean environment (no tap loader or coverage hooks: they run the compiled gateway as production
 * would) plus the variables the scenario sets. Their output is kept, last 20 kB, for diagnostics.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * Every child the suite started and has not seen exit. If the test process itself is ended (tap's
 * timeout sends SIGTERM), they are SIGKILLed with it instead of living on as orphans; if it is
 * SIGKILLed, the node children's orphan guard ends them within half a second.
 */
const children = new Set<ChildProcess>()
let guarded = false

export function track(child: ChildProcess): void {
  children.add(child)
  child.once('exit', () => children.delete(child))
  if (guarded) return
  guarded = true
  const killAll = () => {
    for (const c of children) c.kill('SIGKILL')
  }
  process.once('exit', killAll)
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      killAll()
      process.exit(1)
    })
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', FAULTS_PARENT_PID: String(process.pid) }
  return { ...env, ...vars }
}

/** Node arguments of a child: the orphan guard first (see orphan-guard.mjs), then the entry point. */
const nodeArgs = (entry: string): string[] => ['--import', pathToFileURL(join(import.meta.dirname, 'orphan-guard.mjs')).href, entry]

export class GatewayProcess {
  readonly output: string[] = []
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  private constructor(
    readonly kind: 'gateway' | 'worker',
    readonly child: ChildProcess,
    readonly url: string,
  ) {
    track(child)
    const keep = (d: Buffer) => {
      this.output.push(d.toString('utf8'))
      while (this.output.join('').length > 20_000) this.output.shift()
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Starts `src/server.js` on a free port and waits for /health/ready (Redis answers). */
  static async gateway(distDir: string, vars: Record<string, string>, timeoutMs = 60_000): Promise<GatewayProcess> {
    const port = await freePort()
    const child = spawn(process.execPath, nodeArgs(join(distDir, 'src/server.js')), {
      env: cleanEnv({ ...vars, HOST: '127.0.0.1', PORT: String(port), WORKERS: 'none' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const gw = new GatewayProcess('gateway', child, `http://127.0.0.1:${port}`)
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline && gw.alive) {
      const ready = await fetch(`${gw.url}/health/ready`).then((r) => r.status === 200, () => false)
      if (ready) return gw
      await new Promise((r) => setTimeout(r, 100))
    }
    child.kill('SIGKILL')
    throw new Error(`gateway did not become ready: ${gw.output.join('')}`)
  }

  /** Starts `src/worker.js` and waits for its "workers running" log line. */
  static async worker(distDir: string, vars: Record<string, string>, timeoutMs = 60_000): Promise<GatewayProcess> {
    const child = spawn(process.execPath, nodeArgs(join(distDir, 'src/worker.js')), {
      env: cleanEnv({ ...vars, LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const w = new GatewayProcess('worker', child, '')
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline && w.alive) {
      if (w.output.join('').includes('workers running')) return w
      await new Promise((r) => setTimeout(r, 50))
    }
    child.kill('SIGKILL')
    throw new Error(`worker did not start: ${w.output.join('')}`)
  }

  /** Sends a signal and waits for the exit (SIGKILL after `timeoutMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.alive) return this.exited
    this.child.kill(signal)
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs)
    const result = await this.exited
    clearTimeout(timer)
    return result
  }
}
