/**
 * Fastify's `childLoggerFactory`: the per-request logger (bound to the request id) is made on the
 * first call that would write. A pino child costs ~2 % of a feedback request's CPU (its bindings
 * serialized, redaction set up for it), and at the usual `warn` level almost no request writes
 * anything. What a request does log is the same line as before: the real child writes it.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino'

type WithLevelCheck = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }

/** A request's logger: Fastify's logger interface, and pino's isLevelEnabled (true without pino). */
export type LazyLogger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean }

// A class rather than an object of closures: one allocation per request, methods shared.
class LazyChildLogger {
  private made: WithLevelCheck | undefined

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  private real(): WithLevelCheck {
    return (this.made ??= this.parent.child(this.bindings, this.opts) as WithLevelCheck)
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', args: Parameters<LogFn>): void {
    if (this.isLevelEnabled(level)) this.real()[level](...args)
  }

  get level(): string {
    return (this.made ?? this.parent).level
  }

  set level(value: string) {
    this.real().level = value
  }

  // Until the child exists its level is the parent's (a child only differs once told to).
  isLevelEnabled(level: string): boolean {
    return (this.made ?? (this.parent as WithLevelCheck)).isLevelEnabled?.(level) ?? true
  }

  fatal(...args: Parameters<LogFn>): void {
    this.write('fatal', args)
  }
  error(...args: Parameters<LogFn>): void {
    this.write('error', args)
  }
  warn(...args: Parameters<LogFn>): void {
    this.write('warn', args)
  }
  info(...args: Parameters<LogFn>): void {
    this.write('info', args)
  }
  debug(...args: Parameters<LogFn>): void {
    this.write('debug', args)
  }
  trace(...args: Parameters<LogFn>): void {
    this.write('trace', args)
  }
  silent(): void {}

  child(bindings: Bindings, opts?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real().child(bindings, opts)
  }
}

export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): LazyLogger {
  return new LazyChildLogger(parent, bindings, opts) as unknown as LazyLogger
}
