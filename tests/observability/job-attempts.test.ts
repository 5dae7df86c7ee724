/** Attempts per job as a histogram in /metrics, fed by the real workers and by recordJob. */
import t from 'tap'
import { recordJob } from '../../src/observability/job-metrics.js'
import { until } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { startGateway } from '../helpers/gateway.js'

const metrics = async (gw: Awaited<ReturnType<typeof startGateway>>) => (await gw.app.inject({ method: 'GET', url: '/metrics' })).body

t.test('a forwarded feedback counts one job done in one attempt', async (t) => {
  const gw = await startGateway(t, {}, { workers: true })
  const b = await published(t, gw)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b))).statusCode, 202)
  const text = await until(t, 'the forward counted', async () => {
    const body = await metrics(gw)
    return /bgw_job_attempts_count\{env="acceptance",queue="forward"\} 1/.test(body) ? body : ''
  })
  t.match(text, /bgw_job_attempts_bucket\{env="acceptance",queue="forward",le="1"\} 1/)
  t.match(text, /bgw_job_attempts_bucket\{env="acceptance",queue="forward",le="\+Inf"\} 1/)
  t.match(text, /bgw_job_attempts_sum\{env="acceptance",queue="forward"\} 1/)
  t.match(text, /bgw_jobs_total\{env="acceptance",queue="forward",outcome="completed"\} 1/)
})

t.test('buckets are cumulative; retries do not count until the job is done', async (t) => {
  const gw = await startGateway(t)
  const acc = gw.contexts.get('acceptance')
  if (!acc) throw new Error('no acceptance context')
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'retried', 10, 'http_503', 1)
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'retried', 10, 'http_503', 2)
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'completed', 10, undefined, 3)
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'dead_lettered', 10, 'http_400', 1)
  const text = await metrics(gw)
  const bucket = (le: string) => Number(new RegExp(`bgw_job_attempts_bucket\\{env="acceptance",queue="delivery-alpha",le="${le.replace('+', '\\+')}"\\} (\\d+)`).exec(text)?.[1])
  t.same([bucket('1'), bucket('2'), bucket('3'), bucket('5'), bucket('10'), bucket('+Inf')], [1, 1, 2, 2, 2, 2])
  t.match(text, /bgw_job_attempts_sum\{env="acceptance",queue="delivery-alpha"\} 4/)
  t.match(text, /bgw_job_failures_total\{env="acceptance",queue="delivery-alpha",cause="http_503"\} 2/)
})
