/** Process entry point: config, Redis, gateway, listen; graceful close on SIGTERM/SIGINT. */
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { ConfigError, loadConfig } from './config.js'
import { createGateway } from './gateway.js'
import { loggerOptions } from './logger.js'
import { PartiesError } from './parties/parties.js'
import { RedisUnavailableError, resolveRedis } from './store/redis-resolve.js'

try {
  const config = loadConfig()
  const log = pino(loggerOptions(config.LOG_LEVEL))
  const redis = await resolveRedis({ url: config.REDIS_URL, allowPrivate: config.REDIS_PRIVATE === 'auto' })
  log.info({ redis: redis.url, source: redis.source }, 'redis resolved')
  const gateway = await createGateway(config, { redisUrl: redis.url, logger: log, workers: config.WORKERS === 'inline' })
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing')
    // In order: stop accepting and finish in-flight requests, let workers finish their jobs,
    // close the queues and Redis (gateway.close), then a private redis-server if we started one.
    await gateway.close()
    await redis.stop()
    log.info({ signal }, 'closed')
  })
  const address = await gateway.app.listen({ host: config.HOST, port: config.PORT })
  log.info({ address, environments: config.environments }, 'blinker gateway listening')
} catch (err) {
  if (err instanceof ConfigError || err instanceof PartiesError || err instanceof RedisUnavailableError) {
    console.error(`blinker-gateway: ${err.message}`)
    process.exit(2)
  }
  throw err
}
