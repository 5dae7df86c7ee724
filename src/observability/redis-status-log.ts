/**
 * Redis outages in the log, once: every ioredis connection and BullMQ object of a process reports
 * here through an 'error' listener (without one, ioredis prints "Unhandled error event" and BullMQ
 * prints a raw multi-line block to stderr on every reconnection attempt). One line at error level
 * when the first connection loses Redis, one at info level when the last one has it back (with
 * how long it was down and how many repeats were folded in); nothing per retry.
 * BullMQ objects re-emit their connections' errors, among them connections we do not hold (a
 * worker's blocking duplicate); theirs are folded into an ongoing outage, or into the few seconds
 * after it while those connections catch up, and otherwise logged at most once per source per
 * QUIET_MS. Errors that are not about the connection are logged each time, as before.
 */
import type { FastifyBaseLogger } from 'fastify'

/** Connection trouble, as opposed to a command or script error. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED'])
const CONNECTION_MESSAGE = /Connection is closed|Stream isn't writeable|connect ETIMEDOUT|^LOADING|getaddrinfo|socket hang up/i

export const isConnectionError = (err: unknown): boolean =>
  err instanceof Error && (CONNECTION_CODES.has(String((err as { code?: unknown }).code)) || CONNECTION_MESSAGE.test(err.message))

/** Repeats from BullMQ objects this soon after a recovery belong to it. Also their per-source log interval. */
export const QUIET_MS = 30_000

interface ClientLike {
  on(event: 'error', listener: (err: Error) => void): unknown
  on(event: 'ready' | 'end', listener: () => void): unknown
}
interface EmitterLike {
  on(event: 'error', listener: (err: Error) => void): unknown
}

export class RedisStatusLog {
  /** Watched connections that lost Redis and have not been ready since. */
  private readonly down = new Set<string>()
  private downSince = 0
  private folded = 0
  private recoveredAt = -Infinity
  private readonly lastLogged = new Map<string, number>()

  constructor(
    private readonly log: Pick<FastifyBaseLogger, 'error' | 'warn' | 'info'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** An ioredis connection: its errors open an outage, its 'ready' closes its part of it. */
  watchClient(source: string, client: ClientLike): void {
    client.on('error', (err) => this.clientError(source, err))
    client.on('ready', () => this.clientReady(source))
    // A connection closed on purpose while down must not keep the outage open forever.
    client.on('end', () => this.down.delete(source))
  }

  /** A BullMQ Queue, Worker or QueueEvents: its 'error' events, nothing else. */
  watchEmitter(source: string, emitter: EmitterLike): void {
    emitter.on('error', (err) => this.emitterError(source, err))
  }

  /** True while at least one watched connection is without Redis. */
  get outage(): boolean {
    return this.down.size > 0
  }

  private clientError(source: string, err: Error): void {
    if (!isConnectionError(err)) return this.log.error({ source, err }, 'Redis error')
    if (this.down.size === 0) {
      this.downSince = this.now()
      this.folded = 0
      this.log.error({ source, code: (err as { code?: unknown }).code, reason: err.message }, 'Redis unreachable; requests that need it answer 503 and workers wait; reconnecting (logged once until it is back)')
    } else {
      this.folded++
    }
    this.down.add(source)
  }

  private clientReady(source: string): void {
    if (!this.down.delete(source) || this.down.size > 0) return
    this.recoveredAt = this.now()
    this.log.info({ source, downMs: this.recoveredAt - this.downSince, repeatsFolded: this.folded }, 'Redis reachable again')
  }

  private emitterError(source: string, err: Error): void {
    if (!isConnectionError(err)) return this.log.error({ source, err }, 'queue error')
    const now = this.now()
    if (this.down.size > 0 || now - this.recoveredAt < QUIET_MS) {
      this.folded++
      return
    }
    if (now - (this.lastLogged.get(source) ?? -Infinity) < QUIET_MS) return
    this.lastLogged.set(source, now)
    this.log.warn({ source, code: (err as { code?: unknown }).code, reason: err.message }, 'Redis connection error of a queue object (repeats folded for 30 s)')
  }
}

const byLogger = new WeakMap<object, RedisStatusLog>()

/** The one RedisStatusLog of a logger (a process shares its logger, so it shares the outage). */
export function redisStatusLog(log: FastifyBaseLogger): RedisStatusLog {
  let status = byLogger.get(log)
  if (!status) {
    status = new RedisStatusLog(log)
    byLogger.set(log, status)
  }
  return status
}
