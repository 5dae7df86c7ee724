/**
 * Regression (found by the fault suite's worker SIGKILLs): a forward job that lost its worker more
 * than WORKER_MAX_STALLED times is failed by BullMQ without the processor running, so the feedback
 * stayed RECEIVED while its job sat in the dead letters. The forward worker now marks it
 * DEAD_LETTERED too. Also pins that the crash-recovery settings reach the BullMQ workers.
 */
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { listDeadLetters } from '../../src/queue/dead-letters.js'
import { QUEUES } from '../../src/queue/queues.js'
import { keys } from '../../src/store/keys.js'
import { startWorkers } from '../../src/workers/start-workers.js'
import { crashRecoveryOptions, STALL_LIMIT_REASON } from '../../src/workers/worker-options.js'
import { until } from '../helpers/blinkers.js'
import { A, backOffice, feedbackFor, getStatus, postFeedback, published, workerEnv } from '../helpers/feedback.js'
import { startGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

t.test('crash-recovery settings come from the configuration, with their defaults', async (t) => {
  t.same(crashRecoveryOptions(loadConfig({})), { lockDuration: 30_000, stalledInterval: 30_000, maxStalledCount: 5 })
  t.same(crashRecoveryOptions(loadConfig({ WORKER_LOCK_MS: '2000', WORKER_STALLED_INTERVAL_MS: '1000', WORKER_MAX_STALLED: '3' })), {
    lockDuration: 2000,
    stalledInterval: 1000,
    maxStalledCount: 3,
  })
  t.throws(() => loadConfig({ WORKER_LOCK_MS: '10' }), { name: 'ConfigError', message: /WORKER_LOCK_MS/ })
})

t.test('a job that stalled past the limit is dead-lettered AND its feedback marked DEAD_LETTERED', async (t) => {
  const office = await backOffice(t)
  const env = { ...workerEnv(office.url), WORKER_MAX_STALLED: '0', WORKER_LOCK_MS: '500', WORKER_STALLED_INTERVAL_MS: '200' }
  const gw = await startGateway(t, env)
  const b = await published(t, gw)

  const f = feedbackFor(b)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)

  // A worker takes the job and dies: the job stays active under a lock nobody renews.
  const prefix = keys.queuePrefix(`${gw.prefix}:acceptance:`)
  const conn = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
  const doomed = new Worker(QUEUES.forward, null, { connection: conn, prefix, lockDuration: 500, autorun: false })
  t.teardown(async () => {
    await doomed.close(true).catch(() => {})
    conn.disconnect()
  })
  const taken = await doomed.getNextJob('dead-worker-token')
  t.equal(taken?.id, f.messageId, 'the job is active under the dead worker')

  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const workers = await startWorkers([ctx], testRedisUrl(), gw.app.log)
  t.teardown(() => workers.close())

  await until(t, 'the feedback is DEAD_LETTERED', async () => (await getStatus(gw, A.inspection, f.messageId)).json().status === 'DEAD_LETTERED', 15_000)
  const letters = await listDeadLetters(ctx.queues.forward)
  t.same(letters.map((l) => [l.jobId, l.reason]), [[f.messageId, STALL_LIMIT_REASON]], 'listed as a dead letter with the stall reason')
  t.equal(office.calls.length, 0, 'nothing was sent: the job never ran again')
  t.match((await getStatus(gw, A.inspection, f.messageId)).json().history, [{ status: 'RECEIVED' }, { status: 'DEAD_LETTERED' }])
})
