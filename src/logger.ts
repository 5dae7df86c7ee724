/**
 * pino options: one JSON line per event; NISS values never leave in clear, wherever they sit in
 * a logged object (pino redact paths cover the shapes the gateway logs).
 */
import type { LoggerOptions } from 'pino'

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
    base: { service: 'blinker-gateway' },
  }
}
