/**
 * pino options: one JSON line per event; NISS values never leave in clear, wherever they sit in
 * a logged object (pino redact paths cover the shapes the gateway logs).
 */
import type { LoggerOptions } from 'pino'
import { scrubNissFromLog } from './security/niss-scrub.js'

export const REDACT_PATHS = [
  'niss',
  '*.niss',
  '*.*.niss',
  '*.*.*.niss',
  'beneficiary',
  '*.beneficiary',
  'req.headers.authorization',
  'req.headers["x-blinker-signature"]',
]

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // A NISS outside the fields above (in an id, a comment, an error message) is masked too, and
    // in a child logger's bindings (a request id is one: its shape is checked in app.ts as well).
    formatters: { log: scrubNissFromLog, bindings: scrubNissFromLog },
    base: { service: 'blinker-gateway' },
  }
}
