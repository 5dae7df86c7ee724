/** Process entry point for the queue workers alone (WORKERS=none on the HTTP processes). */
import closeWithGrace from 'close-with-grace'
import { pino } from 'pino'
import { flushBufferedCounts } from './barometer/counters-buffer.js'
import { ConfigError, loadConfig } from './config.js'
import { createContexts, watchRedis } from './gateway.js'
import { loggerOptions } from './logger.js'
import { loadParties, PartiesError } from './parties/parties.js'
import { allQueues } from './queue/queues.js'
import { commandConnection, waitReady } from './store/redis-client.js'
import { checkRedisPolicy } from './observability/redis-checks.js'
import { RedisUnavailableError, resolveRedis } from './store/redis-resolve.js'
import { startWorkers } from './workers/start-workers.js'

try {
  const config = loadConfig()
  const log = pino(loggerOptions(config.LOG_LEVEL))
  // A separate worker process must share the gateway's Redis: no private one here.
  const redis = await resolveRedis({ url: config.REDIS_URL, allowPrivate: false })
  const connection = commandConnection(redis.url)
  await waitReady(connection)
  await checkRedisPolicy(connection, log)
  const contexts = createContexts(config, loadParties(config.PARTIES_FILE, config.environments), connection)
  watchRedis(log, connection, contexts.values())
  const workers = await startWorkers([...contexts.values()], redis.url, log)
  log.info({ workers: workers.workers.map((w) => w.name), environments: config.environments }, 'blinker gateway workers running')
  closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'closing after an error')
    else log.info({ signal }, 'closing workers')
    await workers.close()
    for (const ctx of contexts.values()) for (const q of allQueues(ctx).values()) await q.close()
    await flushBufferedCounts().catch(() => undefined)
    connection.disconnect()
  })
} catch (err) {
  if (err instanceof ConfigError || err instanceof PartiesError || err instanceof RedisUnavailableError) {
    console.error(`blinker-gateway worker: ${err.message}`)
    process.exit(2)
  }
  throw err
}
