import t from 'tap'
import { recordJob, failureCause } from '../../src/observability/job-metrics.js'
import { Registry } from 'prom-client'
import { ScrapedHistogram } from '../../src/observability/scraped-histogram.js'
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
  // A batch of 4 forwards in 2 s: each put in the bucket of its average, 0.5 s.
  await recordJob(gw.redis, acc.keys, 'forward', 'completed', 2000, undefined, 1, 4)
  await acc.queues.forward.add('x', {}, { jobId: 'metrics-probe', delay: 60_000 })

  const res = await gw.app.inject({ method: 'GET', url: '/metrics' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /text\/plain/)
  const text = res.body
  t.match(text, /bgw_http_requests_total\{method="GET",route="\/health\/live",status="200",env="none"\} 1/)
  t.match(text, /bgw_http_requests_total\{method="GET",route="\/schemas\/:file",status="404",env="none"\} 1/)
  t.match(text, /bgw_queue_jobs\{env="acceptance",queue="forward",state="delayed"\} 1/)
  t.match(text, /bgw_blinkers\{env="acceptance",status="PUBLISHED"\} 7/)
  t.match(text, /^# TYPE bgw_jobs_total counter$/m)
  t.match(text, /bgw_jobs_total\{env="acceptance",queue="forward",outcome="completed"\} 5/)
  t.match(text, /^# TYPE bgw_job_failures_total counter$/m)
  t.match(text, /bgw_job_failures_total\{env="acceptance",queue="forward",cause="http_503"\} 1/)
  t.match(text, /^# TYPE bgw_job_duration_seconds histogram$/m)
  // 0.03 s, 0.12 s and four of 0.5 s: cumulative per bound.
  const bucket = (le: string) => Number(new RegExp(`bgw_job_duration_seconds_bucket\\{env="acceptance",queue="forward",le="${le.replace('+', '\\+')}"\\} (\\d+)`).exec(text)?.[1])
  t.same(['0.01', '0.05', '0.1', '0.25', '0.5', '1', '30', '+Inf'].map(bucket), [0, 1, 1, 2, 6, 6, 6, 6])
  t.match(text, /bgw_job_duration_seconds_sum\{env="acceptance",queue="forward"\} 2\.15/)
  t.match(text, /bgw_job_duration_seconds_count\{env="acceptance",queue="forward"\} 6/)
  t.notMatch(text, /_total gauge$/m, 'no gauge is named like a counter')
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

t.test('a histogram read from Redis stays cumulative and never above its count', async (t) => {
  const registry = new Registry()
  const h = new ScrapedHistogram({ name: 'x_seconds', help: 'x', labelNames: ['q'] as const, buckets: [2, 1, 5], registers: [registry] })
  // An older layout: bucket 2 missing, bucket 5 above the count.
  h.set({ q: 'a' }, { buckets: new Map([[1, 3], [5, 9]]), sum: 4.5, count: 7 })
  const text = await registry.metrics()
  t.match(text, /^# TYPE x_seconds histogram$/m)
  const lines = text.split('\n').filter((l) => l.startsWith('x_seconds'))
  t.same(lines, ['x_seconds_bucket{q="a",le="1"} 3', 'x_seconds_bucket{q="a",le="2"} 3', 'x_seconds_bucket{q="a",le="5"} 7', 'x_seconds_bucket{q="a",le="+Inf"} 7', 'x_seconds_sum{q="a"} 4.5', 'x_seconds_count{q="a"} 7'])
  h.reset()
  t.notMatch(await registry.metrics(), /^x_seconds_/m, 'reset empties it')
})

t.test('failure causes are few and stable', async (t) => {
  t.equal(failureCause({ statusCode: 503 }), 'http_503')
  t.equal(failureCause({ code: 'UND_ERR_HEADERS_TIMEOUT' }), 'timeout')
  t.equal(failureCause({ code: 'ECONNREFUSED' }), 'connection')
  t.equal(failureCause(new Error('x')), 'other')
})
