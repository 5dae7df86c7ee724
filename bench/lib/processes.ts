/**
 * Child processes of the bench: servers under test (the gateway from dist/, the baselines), the
 * load generator, RSS sampling from /proc, free ports and readiness polling.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { request } from 'undici'
import type { LoadResult, LoadSpec } from './load-driver.js'

export interface Child {
  name: string
  process: ChildProcess
  /** Last lines of stderr/stdout, for the error message when it dies. */
  output(): string
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Starts `node script` with env (and IPC, so children can report); keeps its last output. execArgv defaults to this process's (a TS loader under tap). */
export function startNode(name: string, script: string, env: Record<string, string>, execArgv: string[] = process.execArgv): Child {
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
  let tail = ''
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  return {
    name,
    process: child,
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Polls GET url until it answers `status` (default 200); throws with the child's output after the deadline. */
export async function waitHttp(child: Child, url: string, timeoutMs = 30_000, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited (${child.process.exitCode}):\n${child.output()}`)
    try {
      const res = await request(url)
      await res.body.dump()
      if (res.statusCode === status) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms:\n${child.output()}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Resident set size of a process in bytes (Linux /proc); NaN elsewhere or once it has exited. */
export function rssBytes(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Number(m[1]) * 1024 : Number.NaN
  } catch {
    return Number.NaN
  }
}

/** CPU time (user + system) a process has used, ms, from /proc/PID/stat; NaN elsewhere. */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (clock ticks, 100 Hz on Linux).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return Number.NaN
  }
}

/** Total CPU ms of several processes. */
export const totalCpuMs = (pids: (number | undefined)[]): number => pids.reduce((sum: number, pid) => sum + cpuMs(pid), 0)

/**
 * Samples the RSS of the given processes every `everyMs` while `work` runs; returns the peak of
 * the largest one (a memory limit applies per process; an HTTP + worker pair is two of them).
 */
export async function withPeakRss<T>(pids: (number | undefined)[], work: () => Promise<T>, everyMs = 200): Promise<{ value: T; peakRss: number }> {
  let peak = 0
  const sample = () => {
    for (const pid of pids) peak = Math.max(peak, rssBytes(pid) || 0)
  }
  sample()
  const timer = setInterval(sample, everyMs)
  try {
    const value = await work()
    sample()
    return { value, peakRss: peak }
  } finally {
    clearInterval(timer)
  }
}

/** Runs one load in a fresh generator process (script = the compiled load-child.js). */
export function loadInChild(script: string, spec: LoadSpec, execArgv: string[] = process.execArgv): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    let settled = false
    child.once('message', (msg: { result?: LoadResult; error?: string }) => {
      settled = true
      if (msg.result) resolve(msg.result)
      else reject(new Error(`load generator: ${msg.error}`))
    })
    child.once('exit', (code) => {
      if (!settled) reject(new Error(`load generator exited with ${code} before answering`))
    })
    child.send(spec)
  })
}
