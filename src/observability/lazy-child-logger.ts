/**
 * Fastify's `childLoggerFactory`: the per-request logger (bound to the request id) is made on the
 * first call that would write. A pino child costs ~2 % of a feedback request's CPU (its bindings
 * serialized, redaction set up for it), and at the usual `warn` level almost no request writes
 * anything. What a request does log is the same line as before: the real child writes it.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { Bindings, ChildLoggerOptions, LogFn } from 'pino'

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const

type WithLevelCheck = FastifyBaseLogger & { isLevelEnabled?: (level: string) => boolean }

/** A request's logger: Fastify's logger interface, and pino's isLevelEnabled (true without pino). */
export type LazyLogger = FastifyBaseLogger & { isLevelEnabled(level: string): boolean }

export function lazyChildLogger(parent: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): LazyLogger {
  let child: WithLevelCheck | undefined
  const real = (): WithLevelCheck => (child ??= parent.child(bindings, opts) as WithLevelCheck)
  // Until the child exists its level is the parent's (a child only differs once told to).
  const enabled = (level: string): boolean => (child ?? (parent as WithLevelCheck)).isLevelEnabled?.(level) ?? true
  const lazy = {
    get level(): string {
      return (child ?? parent).level
    },
    set level(value: string) {
      real().level = value
    },
    isLevelEnabled: enabled,
    silent: (() => undefined) as LogFn,
    child: (b: Bindings, o?: ChildLoggerOptions) => real().child(b, o),
  } as LazyLogger
  for (const level of LEVELS) {
    lazy[level] = ((...args: Parameters<LogFn>) => {
      if (enabled(level)) real()[level](...args)
    }) as LogFn
  }
  return lazy
}
