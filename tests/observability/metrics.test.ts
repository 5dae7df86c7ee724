import t from 'tap'
import { recordJob, failureCause } from '../../src/observability/job-metrics.js'
import { keys } from '../../src/store/keys.js'
import { startGateway } from '../helpers/gateway.js'

t.test('GET /metrics: HTTP counters, queue depths, blinkers per status, job outcomes', async (t) => {
  const gw = await startGateway(t)
  const acc = gw.contexts.get('acceptance')
  if (!acc) throw new Error('no acceptance context')
  await gw.app.inject({ method: 'GET', url: '/health/live' })
  await gw.app.inject({ method: 'GET', url: '/schemas/nope.json' })
  await gw.redis.hset(keys.statusCounts(acc.keys), 'PUBLISHED', 7, 'CLOSED', 2)
  await recordJob(gw.redis, acc.keys, 'forward', 'completed', 120)
  await recordJob(gw.redis, acc.keys, 'forward', 'retried', 30, 'http_503')
  await acc.queues.forward.add('x', {}, { jobId: 'metrics-probe', delay: 60_000 })

  const res = await gw.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/plain/)
  const text = res.body
  t.match(text, /bgw_http_requests_total\{method="GET",route="\/health\/live",status="200",env="none"\} 1/)
  t.match(text, /bgw_http_requests_total\{method="GET",route="\/schemas\/:file",status="404",env="none"\} 1/)
  t.match(text, /bgw_queue_jobs\{env="acceptance",queue="forward",state="delayed"\} 1/)
  t.match(text, /bgw_blinkers\{env="acceptance",status="PUBLISHED"\} 7/)
  t.match(text, /bgw_jobs_total\{env="acceptance",queue="forward",outcome="completed"\} 1/)
  t.match(text, /bgw_job_failures_total\{env="acceptance",queue="forward",cause="http_503"\} 1/)
  t.match(text, /bgw_job_duration_seconds_count\{env="acceptance",queue="forward"\} 2/)
  t.match(text, /bgw_redis_up 1/)
  t.match(text, /bgw_process_resident_memory_bytes/)
})

t.test('metrics still answer while Redis is down, with bgw_redis_up 0', async (t) => {
  const gw = await startGateway(t)
  gw.redis.disconnect()
  const res = await gw.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /bgw_redis_up 0/)
})

t.test('failure causes are few and stable', async (t) => {
  t.equal(failureCause({ statusCode: 503 }), 'http_503')
  t.equal(failureCause({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout')
  t.equal(failureCause({ code: 'ECONNREFUSED' }), 'connection')
  t.equal(failureCause(new Error('x')), 'other')
})
