/** One log line per request, with the ids an operator searches by; never a NISS, never a token. */
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { createGateway } from '../../src/gateway.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { feedbackFor } from '../helpers/feedback.js'
import { auth, deleteKeys, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'
import { captureLogger } from './log-capture.js'

const A = TOKENS.acceptance

t.test('one line per request: ids, party, env, status, duration; no NISS, no token', async (t) => {
  const { log, lines, raw } = captureLogger()
  const prefix = `trl${Date.now()}`
  const gw = await createGateway(loadConfig({ KEY_PREFIX: prefix }), { redisUrl: testRedisUrl(), logger: log })
  t.teardown(async () => {
    await gw.close()
    await deleteKeys(prefix)
  })
  const b = blinker(CPAS.alpha1)
  const fb = feedbackFor(b)
  const calls = [
    { method: 'POST' as const, url: '/acceptance/v1/blinkers', headers: auth(A.publisher), payload: { blinkers: [b] } },
    // A garbage cursor: 400, and its value must not reach the log.
    { method: 'GET' as const, url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers?limit=5&after=secret-cursor-value`, headers: auth(A.alpha) },
    { method: 'POST' as const, url: '/acceptance/v1/feedback', headers: { ...auth(A.alpha), 'x-request-id': 'req-feedback-1' }, payload: fb },
    { method: 'GET' as const, url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.inspection) },
    { method: 'GET' as const, url: '/acceptance/v1/blinkers/CLI-2026-000000000', headers: auth('not-a-known-token') },
    { method: 'POST' as const, url: '/validate?type=blinker', payload: b },
  ]
  const statuses: number[] = []
  for (const call of calls) statuses.push((await gw.app.inject(call)).statusCode)
  t.same(statuses.slice(0, 1), [202], 'published')
  t.equal(statuses[2], 202, 'feedback accepted')

  const requestLines = lines.filter((l) => l.msg === 'request')
  t.equal(requestLines.length, calls.length, 'exactly one line per request')
  t.notOk(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed'), "Fastify's two default lines are off")
  const [publish, pull, feedback, read, unauth, validate] = requestLines
  t.match(publish, { method: 'POST', path: '/acceptance/v1/blinkers', route: '/acceptance/v1/blinkers', status: 202, env: 'acceptance', party: 'publisher', items: 1 })
  t.type(publish?.ms, 'number')
  t.type(publish?.reqId, 'string')
  t.match(pull, { status: 400, party: 'alpha', kbo: CPAS.alpha1, queryKeys: ['limit', 'after'] })
  t.notOk(String(pull?.path).includes('?'), 'the path carries no query')
  t.match(feedback, { reqId: 'req-feedback-1', status: 202, party: 'alpha', messageId: fb.messageId, blinkerId: b.blinkerId, cpasKbo: CPAS.alpha1 })
  t.match(read, { status: 200, party: 'inspection', blinkerId: b.blinkerId })
  t.match(unauth, { status: 401, env: 'acceptance' })
  t.notOk(unauth?.party, 'no party for a refused token')
  t.match(validate, { status: 200, path: '/validate', queryKeys: ['type'] })

  const all = raw.join('\n')
  t.notOk(all.includes(b.beneficiary.niss), 'no NISS anywhere in the log')
  t.notOk(all.includes(b.beneficiary.lastName ?? 'Dupont'), 'no beneficiary name')
  for (const token of [A.publisher, A.alpha, A.inspection, 'not-a-known-token']) t.notOk(all.includes(token), `no token ${token}`)
  t.notOk(all.includes('secret-cursor-value'), 'no query value')
})

t.test('a 5xx answer is logged as a warning', async (t) => {
  const { log, lines } = captureLogger()
  const prefix = `trl5${Date.now()}`
  const gw = await createGateway(loadConfig({ KEY_PREFIX: prefix }), { redisUrl: testRedisUrl(), logger: log })
  t.teardown(async () => {
    await gw.close()
    await deleteKeys(prefix)
  })
  gw.redis.disconnect()
  const res = await gw.app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(res.statusCode, 503)
  const line = lines.find((l) => l.msg === 'request')
  t.match(line, { level: 40, status: 503, path: '/health/ready' })
})
