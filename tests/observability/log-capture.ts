/** A pino logger writing JSON lines into an array, with the gateway's own options (redaction). */
import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'
import { loggerOptions } from '../../src/logger.js'

export function captureLogger(level = 'info'): { log: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line)
        lines.push(JSON.parse(line) as Record<string, unknown>)
      }
      done()
    },
  })
  return { log: pino(loggerOptions(level), stream), lines, raw }
}
