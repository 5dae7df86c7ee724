/**
 * The suite's own redis-server with AOF (appendfsync always or everysec), which it can kill -9 and
 * restart on the same port with the same folder, so the new server replays the AOF exactly as a
 * crashed production Redis would on restart.
 */
import type { ChildProcess } from 'node:child_process'
import { startPrivateRedis } from '../../../src/store/redis-resolve.js'
import { track } from './processes.js'

export type Appendfsync = 'always' | 'everysec'

export class FaultRedis {
  private proc: ChildProcess | undefined
  private cleanup: (() => Promise<void>) | undefined
  port = 0
  dir = ''
  /** kill -9 + restart cycles done. */
  kills = 0

  constructor(readonly appendfsync: Appendfsync) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const r = await startPrivateRedis({ appendfsync: this.appendfsync })
    this.port = r.port
    this.dir = r.dir
    this.proc = r.process
    this.cleanup = r.stop
    track(r.process)
  }

  /** SIGKILL: no shutdown, no final fsync, just like a crash of the Redis process. */
  async kill(): Promise<void> {
    const proc = this.proc
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((r) => proc.once('exit', r))
    proc.kill('SIGKILL')
    await exited
    this.kills++
  }

  /** A new redis-server on the same port and folder: it loads the AOF before answering. */
  async restart(): Promise<void> {
    const r = await startPrivateRedis({ appendfsync: this.appendfsync, port: this.port, dir: this.dir })
    this.proc = r.process
    this.cleanup = r.stop
    track(r.process)
  }

  async stop(): Promise<void> {
    await this.cleanup?.()
  }
}
