/**
 * The gateway's verdicts on runs that do not pass: a partial run stays RUNNING (and opens
 * nothing), another party's refusals do not count for this one, a wrong code FAILS the run at once
 * and the verdict is frozen, an acknowledgement without delivery and a sandbox reset of the run's
 * blinkers fail their scenario, and a run past its deadline is EXPIRED.
 */
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { driveJudgedRun } from '../../src/onboarding/conformance/judged-run.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'
import { gatedPartiesFile, prodMailbox } from './judged-helpers.js'

interface Scenario {
  name: string
  status: string
  reason: string
  blinkers: { blinkerId: string; flow: string; code?: number }[]
  cpasKbo?: string
}
interface Run {
  id: string
  cpasKbo: string
  verdict: string
  judgedAt: string | null
  scenarios: Scenario[]
}

const get = async (gw: TestGateway, id: string, token = 'acc-alpha'): Promise<Run> =>
  (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/conformance/runs/${id}`, headers: auth(token) })).json()
const start = async (gw: TestGateway): Promise<Run> => (await gw.app.inject({ method: 'POST', url: '/acceptance/v1/conformance/runs', headers: auth('acc-alpha'), payload: {} })).json()
const scenario = (run: Run, name: string): Scenario => run.scenarios.find((s) => s.name === name) as Scenario
const feedback = (gw: TestGateway, blinkerId: string, code: number, token: string, cpasKbo: string) =>
  gw.app.inject({ method: 'POST', url: '/acceptance/v1/feedback', headers: auth(token), payload: { messageId: randomUUID(), blinkerId, cpasKbo, code, sentAt: new Date().toISOString() } })

t.test('a partial run stays RUNNING; another party does not count; a wrong code fails it for good', async (t) => {
  const gw = await startGateway(t, { PARTIES_FILE: gatedPartiesFile() })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const { run } = await driveJudgedRun({ baseUrl: base, token: 'acc-alpha', only: ['pull-and-acknowledge', 'comment-required'], verdictTimeoutMs: 0 })
  t.equal(run.verdict, 'RUNNING')
  t.same(run.scenarios.filter((s) => s.status === 'PASSED').map((s) => s.name), ['pull-and-acknowledge', 'comment-required'])
  t.ok(run.scenarios.filter((s) => s.status !== 'PASSED').every((s) => s.status === 'PENDING'), 'the rest pending')
  t.match(scenario(run as never, 'wrong-cpas').reason, /no 403 GW_ERR_FORBIDDEN_CPAS seen yet/)
  t.equal((await prodMailbox(gw)).json().code, 'GW_ERR_CONFORMANCE_REQUIRED', 'a run in progress opens nothing')

  // Beta provokes alpha's refusal: it is beta's, not alpha's.
  const other = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth('acc-beta') })
  t.equal(other.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  t.equal(scenario(await get(gw, run.id), 'wrong-cpas').status, 'PENDING', "another party's refusal does not count")

  // A code other than the one asked, on an each-feedback-code blinker: FAILED at once.
  const each = scenario(run as never, 'each-feedback-code').blinkers
  const target = each.find((b) => b.code !== 1) as { blinkerId: string; code: number }
  t.equal((await feedback(gw, target.blinkerId, 1, 'acc-alpha', run.cpasKbo)).statusCode, 202, 'code 1 applies to every flow: accepted')
  const failed = await get(gw, run.id)
  t.equal(failed.verdict, 'FAILED')
  t.ok(failed.judgedAt, 'final')
  t.match(scenario(failed, 'each-feedback-code'), { status: 'FAILED', reason: new RegExp(`${target.blinkerId}: feedback code 1 received at .*, expected ${target.code}`) })
  t.equal(await gw.redis.exists(`${gw.prefix}:acceptance:conformance:alpha:active`), 0, 'the run log stops')

  // Frozen: what comes later changes nothing.
  await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${scenario(failed, 'wrong-cpas').cpasKbo}/blinkers`, headers: auth('acc-alpha') })
  const later = await get(gw, run.id)
  t.same(later, failed, 'the verdict and every reason stay as judged')
  t.equal((await prodMailbox(gw)).json().code, 'GW_ERR_CONFORMANCE_REQUIRED')
})

t.test('acknowledged without delivery, blinkers reset: those scenarios fail', async (t) => {
  const gw = await startGateway(t, { PARTIES_FILE: gatedPartiesFile() })
  const run = await start(gw)
  const [ack] = scenario(run, 'pull-and-acknowledge').blinkers
  t.equal((await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${ack?.blinkerId}/acknowledgements`, headers: auth('acc-alpha') })).statusCode, 204)
  const judged = await get(gw, run.id)
  t.match(scenario(judged, 'pull-and-acknowledge'), { status: 'FAILED', reason: /acknowledged at .* without being received first/ })
  t.equal(judged.verdict, 'FAILED')

  const second = await start(gw)
  t.not(second.id, run.id)
  t.equal(await gw.redis.get(`${gw.prefix}:acceptance:conformance:alpha:active`), second.id, 'the new run is the one in progress')
  const reset = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/sandbox/mailbox/reset', headers: auth('acc-alpha'), payload: { cpasKbo: second.cpasKbo } })
  t.equal(reset.statusCode, 200)
  const gone = await get(gw, second.id)
  t.equal(gone.verdict, 'FAILED')
  t.match(scenario(gone, 'pull-and-acknowledge').reason, /no longer exists \(deleted by a sandbox reset/)
})

t.test('past its deadline a run is EXPIRED, with what was missing', async (t) => {
  const gw = await startGateway(t, { PARTIES_FILE: gatedPartiesFile() })
  const run = await start(gw)
  const [ack] = scenario(run, 'pull-and-acknowledge').blinkers
  await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${run.cpasKbo}/blinkers`, headers: auth('acc-alpha') })
  await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${ack?.blinkerId}/acknowledgements`, headers: auth('acc-alpha') })
  t.equal((await get(gw, run.id)).verdict, 'RUNNING')
  // The deadline moved into the past (the record is the gateway's; 5 minutes is the shortest a party may ask).
  const cut = new Date().toISOString()
  await new Promise((resolve) => setTimeout(resolve, 10))
  const key = `${gw.prefix}:acceptance:conformance:run:${run.id}`
  const stored = JSON.parse((await gw.redis.get(key)) as string)
  await gw.redis.set(key, JSON.stringify({ ...stored, deadline: cut }), 'KEEPTTL')
  const expired = await get(gw, run.id)
  t.equal(expired.verdict, 'EXPIRED')
  t.equal(scenario(expired, 'pull-and-acknowledge').status, 'PASSED', 'what was done in time stays passed')
  t.match(scenario(expired, 'invalid-xml'), { status: 'PENDING', reason: /^not done before the deadline .*: no 400 GW_ERR_MALFORMED_XML seen yet on \/soap/ })
  t.ok(expired.judgedAt)
  t.equal(await gw.redis.exists(`${gw.prefix}:acceptance:conformance:alpha:judged`), 0, 'no pass')
})
