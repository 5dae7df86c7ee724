/**
 * A real gateway as startGateway makes it, but logging through the gateway's own pino options
 * into memory (tests/observability/log-capture.ts), listening on a free loopback port.
 */
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { loadConfig, type Config } from '../../src/config.js'
import { createGateway, type Gateway } from '../../src/gateway.js'
import { captureLogger } from '../observability/log-capture.js'
import { deleteKeys } from './gateway.js'
import { testRedisUrl } from './redis.js'

export interface LoggedGateway extends Gateway {
  config: Config
  port: number
  /** Parsed log lines, and the raw text of each. */
  lines: Record<string, unknown>[]
  raw: string[]
}

export async function startLoggedGateway(t: Test, env: Record<string, string> = {}, level = 'info'): Promise<LoggedGateway> {
  const prefix = `t${randomBytes(5).toString('hex')}`
  const config = loadConfig({ KEY_PREFIX: prefix, MAX_EVENT_LOOP_DELAY_MS: '0', RATE_LIMIT_MAX: '0', ...env })
  const { log, lines, raw } = captureLogger(level)
  const gateway = await createGateway(config, { redisUrl: testRedisUrl(), logger: log, workers: false })
  t.teardown(async () => {
    await gateway.close().catch(() => {})
    await deleteKeys(prefix)
  })
  await gateway.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gateway.app.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { ...gateway, config, port, lines, raw }
}
