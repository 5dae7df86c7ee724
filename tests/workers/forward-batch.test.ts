/**
 * The forward batch processor on its own (no running worker): what a batch job does when its own
 * run fails (Redis refusing the add of its split-out jobs) — retried while attempts remain, split
 * into single jobs on its last attempt — and what it skips.
 */
import type { Job, Queue } from 'bullmq'
import t, { type Test } from 'tap'
import type { EnvContext } from '../../src/context.js'
import { backOfficeClient } from '../../src/delivery/back-office-client.js'
import { FORWARD_BATCH_JOB_NAME, forwardOutbox, type ForwardBatchData, type ForwardJobData } from '../../src/queue/forward-queue.js'
import { forwardProcessor } from '../../src/workers/forward-worker.js'
import { A, backOffice, feedbackFor, postFeedback, published, workerEnv } from '../helpers/feedback.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'

/** A stored message whose batch job is left in the queue (no workers run). */
async function storedMessage(t: Test, gw: TestGateway) {
  const b = await published(t, gw)
  const f = feedbackFor(b)
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  const ctx = gw.contexts.get('acceptance') as EnvContext
  await forwardOutbox(ctx).settle()
  return { ctx, f }
}

const batchJob = (messageIds: string[], attemptsMade: number, attempts: number) =>
  ({ name: FORWARD_BATCH_JOB_NAME, data: { party: 'inspection', messageIds } satisfies ForwardBatchData, attemptsMade, opts: { attempts } }) as unknown as Job<ForwardBatchData>

/** The forward queue, its addBulk failing the first `failures` times. */
function flakyQueue(queue: Queue, failures: number): Queue {
  let left = failures
  return new Proxy(queue, {
    get(target, prop, receiver) {
      if (prop === 'addBulk') {
        return async (...args: Parameters<Queue['addBulk']>) => {
          if (left-- > 0) throw new Error('Connection is closed.')
          return target.addBulk(...args)
        }
      }
      return Reflect.get(target, prop, receiver) as unknown
    },
  })
}

t.test('a batch whose run fails is retried while attempts remain, and split into single jobs on its last', async (t) => {
  const office = await backOffice(t, () => 503)
  const gw = await startGateway(t, workerEnv(office.url))
  const { ctx, f } = await storedMessage(t, gw)
  const client = backOfficeClient(office.url, 500)
  t.teardown(() => client.close())
  const queue = ctx.queues.forward

  // The 503 makes the message a split-out; adding it fails: the batch run fails, not its last attempt.
  const early = forwardProcessor(ctx, gw.redis, flakyQueue(queue, 1), client, gw.app.log)
  await t.rejects(early(batchJob([f.messageId], 0, 3)), /Connection is closed/, 'thrown: BullMQ retries the batch')
  t.equal(await queue.getJob(f.messageId), undefined, 'no single job yet')

  // Last attempt, same failure: the batch hands every message still to send to its own job.
  const last = forwardProcessor(ctx, gw.redis, flakyQueue(queue, 1), client, gw.app.log)
  t.equal(await last(batchJob([f.messageId], 2, 3)), 'split')
  const single = (await queue.getJob(f.messageId)) as Job<ForwardJobData> | undefined
  t.match(single, { name: 'forward', data: { party: 'inspection', sender: 'alpha', messageId: f.messageId } })
  t.notOk(single?.data.batchFailure, 'no replayed failure: the single job sends it afresh')
  t.equal(office.calls.length, 2, 'one POST per batch run')
})

t.test('a batch skips ids without a record and messages already forwarded', async (t) => {
  const office = await backOffice(t)
  const gw = await startGateway(t, workerEnv(office.url))
  const { ctx, f } = await storedMessage(t, gw)
  const client = backOfficeClient(office.url, 500)
  t.teardown(() => client.close())
  const run = forwardProcessor(ctx, gw.redis, ctx.queues.forward, client, gw.app.log)
  const gone = '00000000-0000-4000-8000-000000000000'
  t.equal(await run(batchJob([f.messageId, gone], 0, 3)), 'forwarded 1, split out 0, skipped 1')
  t.equal(await run(batchJob([f.messageId, gone], 0, 3)), 'forwarded 0, split out 0, skipped 2', 'a second batch with the same message sends nothing')
  t.equal(office.calls.length, 1)
})
