/**
 * Regression (found by the fault suite's worker SIGKILLs): a forward job that lost its worker more
 * than WORKER_MAX_STALLED times is failed by BullMQ without the processor running, so the feedback
 * stayed RECEIVED while its job sat in the dead letters. The forward worker now marks it
 * DEAD_LETTERED too. A batch job that stalls that often is split instead: the poison message, if
 * there is one, then stalls alone. Also pins that the crash-recovery settings reach the workers.
 */
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import t, { type Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { listDeadLetters } from '../../src/queue/dead-letters.js'
import { FORWARD_BATCH_JOB_NAME, forwardJob, forwardOutbox } from '../../src/queue/forward-queue.js'
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

/** A gateway whose only forward job is taken by a worker that then dies (the job stays active under a lock). */
async function strandedJob(t: Test, single: boolean) {
  const office = await backOffice(t)
  const env = { ...workerEnv(office.url), WORKER_MAX_STALLED: '0', WORKER_LOCK_MS: '500', WORKER_STALLED_INTERVAL_MS: '200' }
  const gw = await startGateway(t, env)
  const b = await published(t, gw)
  const f = feedbackFor(b)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  await forwardOutbox(ctx).settle()
  if (single) {
    // As a message split out of a batch, or a replayed dead letter: its own job.
    await ctx.queues.forward.drain()
    const job = forwardJob(ctx, { sender: 'alpha', messageId: f.messageId, blinkerId: b.blinkerId })
    await ctx.queues.forward.add(job.name, job.data, { ...job.opts, jobId: job.id })
  }
  const prefix = keys.queuePrefix(`${gw.prefix}:acceptance:`)
  const conn = new Redis(testRedisUrl(), { maxRetriesPerRequest: null })
  const doomed = new Worker(QUEUES.forward, null, { connection: conn, prefix, lockDuration: 500, autorun: false })
  t.teardown(async () => {
    await doomed.close(true).catch(() => {})
    conn.disconnect()
  })
  const taken = await doomed.getNextJob('dead-worker-token')
  return { gw, ctx, office, f, taken }
}

t.test('a single job that stalled past the limit is dead-lettered AND its feedback marked DEAD_LETTERED', async (t) => {
  const { gw, ctx, office, f, taken } = await strandedJob(t, true)
  t.equal(taken?.id, f.messageId, 'the job is active under the dead worker')
  const workers = await startWorkers([ctx], testRedisUrl(), gw.app.log)
  t.teardown(() => workers.close())

  await until(t, 'the feedback is DEAD_LETTERED', async () => (await getStatus(gw, A.inspection, f.messageId)).json().status === 'DEAD_LETTERED', 15_000)
  const letters = await listDeadLetters(ctx.queues.forward)
  t.same(letters.map((l) => [l.jobId, l.reason]), [[f.messageId, STALL_LIMIT_REASON]], 'listed as a dead letter with the stall reason')
  t.equal(office.calls.length, 0, 'nothing was sent: the job never ran again')
  t.match((await getStatus(gw, A.inspection, f.messageId)).json().history, [{ status: 'RECEIVED' }, { status: 'DEAD_LETTERED' }])
})

t.test('a batch job that stalled past the limit is split: its messages go on as single jobs, the batch leaves no dead letter', async (t) => {
  const { gw, ctx, office, f, taken } = await strandedJob(t, false)
  t.match(taken, { name: FORWARD_BATCH_JOB_NAME, data: { messageIds: [f.messageId] } }, 'the batch is active under the dead worker')
  const workers = await startWorkers([ctx], testRedisUrl(), gw.app.log)
  t.teardown(() => workers.close())

  await until(t, 'the feedback is FORWARDED', async () => (await getStatus(gw, A.inspection, f.messageId)).json().status === 'FORWARDED', 15_000)
  t.equal(office.taken.get(f.messageId), 1, 'sent once, by its single job')
  await until(t, 'the failed batch removed', async () => (await ctx.queues.forward.getFailedCount()) === 0)
  t.same(await listDeadLetters(ctx.queues.forward), [], 'no dead letter')
})
