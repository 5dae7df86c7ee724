/**
 * The gateway's metrics pass Prometheus' own lint: a live GET /metrics over HTTP, after traffic
 * that fills every family (HTTP, queues, blinkers, job outcomes, failures, durations, attempts),
 * piped into `promtool check metrics` (Debian's prometheus package, installed by
 * scripts/ensure-promtool.sh when missing). promtool prints one line per problem and exits 3.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { recordJob } from '../../src/observability/job-metrics.js'
import { until } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool'

t.test('promtool check metrics finds nothing in a live /metrics', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-promtool.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t, {}, { workers: true })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gw.app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`

  // Traffic: a publication, a pull, a feedback forwarded by the real worker, a 404 and a 401.
  const b = await published(t, gw)
  t.equal((await fetch(`${base}/acceptance/v1/cpas/${b.cpasKbo}/blinkers`, { headers: auth(A.alpha) })).status, 200)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(b))).statusCode, 202)
  t.equal((await fetch(`${base}/schemas/nope.json`)).status, 404)
  t.equal((await fetch(`${base}/acceptance/v1/blinkers/${b.blinkerId}`)).status, 401)
  const acc = gw.contexts.get('acceptance')
  if (!acc) throw new Error('no acceptance context')
  // The outcomes the happy path does not produce: a retry with its cause, a dead letter.
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'retried', 1200, 'http_503', 1)
  await recordJob(gw.redis, acc.keys, 'delivery-alpha', 'dead_lettered', 30_000, 'timeout', 2)

  const body = await until(t, 'the forward is counted', async () => {
    const text = await (await fetch(`${base}/metrics`)).text()
    return /bgw_job_attempts_count\{env="acceptance",queue="forward"\} 1/.test(text) ? text : ''
  })
  // Every family the gateway declares itself is present, with the type Prometheus expects of its name.
  const types = new Map([...body.matchAll(/^# TYPE (bgw_\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]))
  const expected: Record<string, string> = {
    bgw_http_requests_total: 'counter',
    bgw_http_request_duration_seconds: 'histogram',
    bgw_queue_jobs: 'gauge',
    bgw_blinkers: 'gauge',
    bgw_jobs_total: 'counter',
    bgw_job_failures_total: 'counter',
    bgw_job_duration_seconds: 'histogram',
    bgw_job_attempts: 'histogram',
    bgw_redis_up: 'gauge',
  }
  for (const [name, type] of Object.entries(expected)) t.equal(types.get(name), type, `${name} is a ${type}`)
  t.match(body, /bgw_job_failures_total\{env="acceptance",queue="delivery-alpha",cause="timeout"\} 1/)
  t.match(body, /bgw_job_duration_seconds_bucket\{env="acceptance",queue="delivery-alpha",le="\+Inf"\} 2/)

  const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: body, encoding: 'utf8', timeout: 30_000 })
  t.equal(`${check.stdout}${check.stderr}`, '', 'promtool reports nothing')
  t.equal(check.status, 0, 'promtool exits 0')

  // The lint is not vacuous: the same tool flags a gauge named like a counter.
  const bad = spawnSync(PROMTOOL, ['check', 'metrics'], { input: '# HELP bgw_x_total x\n# TYPE bgw_x_total gauge\nbgw_x_total 1\n', encoding: 'utf8' })
  t.match(bad.stdout + bad.stderr, /non-counter metrics should not have "_total" suffix/)
  t.not(bad.status, 0)
})
