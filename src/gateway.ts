/**
 * The composition root: one Redis command connection, the parties, one context per environment
 * (with its queues), the HTTP app and, optionally, the workers. server.ts, worker.ts and the tests
 * start the gateway here.
 */
import type { Queue } from 'bullmq'
import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { Redis } from 'ioredis'
import { buildApp, type AppLogger } from './app.js'
import type { Config, EnvName } from './config.js'
import type { EnvContext } from './context.js'
import { loadAccounts } from './accounts/accounts.js'
import { loadParties, type PartyDirectory } from './parties/parties.js'
import { httpsOptions } from './security/tls-options.js'
import { targetGuard } from './delivery/target-guard.js'
import { allQueues, createQueue, deliveryQueueName, SHARED_QUEUES, type SharedQueueName } from './queue/queues.js'
import { commandConnection, waitReady } from './store/redis-client.js'
import { checkRedisPolicy } from './observability/redis-checks.js'
import { redisStatusLog } from './observability/redis-status-log.js'
import { forwardOutbox } from './queue/forward-queue.js'
import { settlePublications } from './services/publish-service.js'
import { startWorkers, type RunningWorkers } from './workers/start-workers.js'
import { flushBufferedCounts } from './barometer/counters-buffer.js'

export interface Gateway {
  app: FastifyInstance
  redis: Redis
  directory: PartyDirectory
  contexts: ReadonlyMap<EnvName, EnvContext>
  workers: RunningWorkers | undefined
  /** Stops accepting requests, lets workers finish their jobs, then closes Redis. */
  close(): Promise<void>
}

export interface GatewayOptions {
  redisUrl: string
  /** The process's pino logger, or Fastify's logger option; default false (tests). */
  logger?: AppLogger
  /** Run the queue workers in this process; default false. */
  workers?: boolean
}

/** One context per served environment, each with its own key prefix and queues. */
export function createContexts(config: Config, directory: PartyDirectory, redis: Redis): Map<EnvName, EnvContext> {
  const contexts = new Map<EnvName, EnvContext>()
  for (const env of config.environments) {
    const parties = directory.environments.get(env)
    if (!parties) throw new Error(`no parties section for ${env}`)
    const base = { env, keys: `${config.KEY_PREFIX}:${env}:`, parties, redis, config }
    const queues = {} as Record<SharedQueueName, Queue>
    for (const name of SHARED_QUEUES) queues[name] = createQueue(base, name, redis)
    const deliveryQueues = new Map<string, Queue>()
    for (const party of parties.parties.values()) {
      if (party.role === 'software-house') deliveryQueues.set(party.id, createQueue(base, deliveryQueueName(party.id), redis))
    }
    contexts.set(env, { ...base, queues, deliveryQueues })
  }
  return contexts
}

/** The command connection and every queue of the contexts report outages through the logger, once. */
export function watchRedis(log: FastifyBaseLogger, redis: Redis, contexts: Iterable<EnvContext>): void {
  const status = redisStatusLog(log)
  status.watchClient('command connection', redis)
  for (const ctx of contexts) for (const q of allQueues(ctx).values()) status.watchEmitter(`queue ${ctx.env}/${q.name}`, q)
}

export async function createGateway(config: Config, opts: GatewayOptions): Promise<Gateway> {
  const directory = loadParties(config.PARTIES_FILE, config.environments)
  // Before Redis: a wrong TLS setting or unreadable PEM file stops the start at once.
  const https = httpsOptions(config)
  // Likewise a WEBHOOK_ALLOW_PRIVATE_CIDRS that does not parse.
  targetGuard(config)
  // Likewise a wrong INSPECTORS_FILE or OIDC setting (src/accounts/).
  loadAccounts(config, directory)
  const redis = commandConnection(opts.redisUrl)
  await waitReady(redis)
  const contexts = createContexts(config, directory, redis)
  const app = await buildApp({ config, redis, directory, contexts, https }, opts.logger ?? false)
  watchRedis(app.log, redis, contexts.values())
  if (directory.demo) app.log.warn('PARTIES_FILE is not set: the demo parties and their public demo tokens are active')
  // noeviction and persistence: what "a 202 means stored" rests on (loud log, no refusal).
  await checkRedisPolicy(redis, app.log)
  const workers = opts.workers ? await startWorkers([...contexts.values()], opts.redisUrl, app.log) : undefined
  return {
    app,
    redis,
    directory,
    contexts,
    workers,
    async close() {
      await app.close()
      // Push jobs of publications already answered are added before the queues close.
      for (const ctx of contexts.values()) await settlePublications(ctx)
      // Forward jobs of feedback already answered, likewise.
      for (const ctx of contexts.values()) await forwardOutbox(ctx).settle()
      await workers?.close()
      for (const ctx of contexts.values()) for (const q of allQueues(ctx).values()) await q.close()
      // The barometer's buffered counts (requests, pushes) of this process, before Redis goes.
      for (const ctx of contexts.values()) await flushBufferedCounts(ctx).catch(() => undefined)
      redis.disconnect()
    },
  }
}
