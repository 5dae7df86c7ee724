/**
 * Which Redis to use (DESIGN "Default start"): REDIS_URL if set; else 127.0.0.1:6379 if it answers;
 * else a private redis-server in a temporary folder (AOF on, noeviction); else a message that says
 * what to install.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ResolvedRedis {
  url: string
  source: 'REDIS_URL' | 'local' | 'private'
  /** Stops the private redis-server, if one was started. */
  stop(): Promise<void>
}

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError'
}

/** Sends PING over a raw socket; true when +PONG (or an auth error: something Redis answers) comes back. */
export function redisAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket()
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (d) => done(/^(\+PONG|-NOAUTH|-ERR)/.test(d.toString())))
    socket.connect(port, host, () => socket.write('PING\r\n'))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export interface PrivateRedisOptions {
  /** AOF fsync policy; default everysec. */
  appendfsync?: 'always' | 'everysec'
  /** The redis-server binary; default `redis-server` on the PATH. */
  binary?: string | undefined
  /** Port to listen on; default a free one. With `dir`, restarts a killed server where it was. */
  port?: number
  /** Data folder; default a fresh temp folder. An existing folder's AOF is replayed at start. */
  dir?: string
}

/** Starts `redis-server` on a loopback port with AOF (by default a free port and a fresh temp folder). */
export async function startPrivateRedis(opts: PrivateRedisOptions = {}): Promise<{ url: string; port: number; dir: string; process: ChildProcess; stop(): Promise<void> }> {
  const port = opts.port ?? (await freePort())
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'blinker-redis-'))
  // A given folder holds data to replay: a failed start must not delete it.
  const dropDir = () => {
    if (!opts.dir) rmSync(dir, { recursive: true, force: true })
  }
  const child = spawn(
    opts.binary ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', opts.appendfsync ?? 'everysec', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  )
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
  const deadline = Date.now() + 10_000
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((r) => setTimeout(r, 50, undefined))])
    if (failed) {
      dropDir()
      throw new RedisUnavailableError(noRedisMessage(failed.message))
    }
    if (await redisAnswers('127.0.0.1', port, 200)) break
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL')
      dropDir()
      throw new RedisUnavailableError(`redis-server did not answer on port ${port} within 10 s`)
    }
  }
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    }
    rmSync(dir, { recursive: true, force: true })
  }
  return { url: `redis://127.0.0.1:${port}`, port, dir, process: child, stop }
}

const noRedisMessage = (why: string) =>
  `No Redis available (${why}). Set REDIS_URL=redis://host:port, start a Redis on 127.0.0.1:6379, ` +
  `or install redis-server so the gateway can start a private one (Debian/Ubuntu: apt-get install redis-server).`

export interface ResolveOptions {
  url?: string | undefined
  allowPrivate: boolean
  /** Where a local Redis is looked for; default 6379 on 127.0.0.1. */
  localPort?: number
  /** The redis-server binary; default `redis-server` on the PATH. */
  binary?: string
}

export async function resolveRedis(opts: ResolveOptions): Promise<ResolvedRedis> {
  const none = async () => {}
  const port = opts.localPort ?? 6379
  if (opts.url) return { url: opts.url, source: 'REDIS_URL', stop: none }
  if (await redisAnswers('127.0.0.1', port)) return { url: `redis://127.0.0.1:${port}`, source: 'local', stop: none }
  if (!opts.allowPrivate) throw new RedisUnavailableError(noRedisMessage(`nothing answers on 127.0.0.1:${port} and REDIS_PRIVATE=never`))
  const priv = await startPrivateRedis({ binary: opts.binary })
  return { url: priv.url, source: 'private', stop: priv.stop }
}
