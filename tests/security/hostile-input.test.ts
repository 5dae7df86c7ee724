/**
 * The hostile-input corpus (tests/security/hostile-cases.ts): XML bombs, external entities,
 * DOCTYPE, deep nesting, huge attributes, invalid UTF-8, mixed namespaces, SOAP 1.2 on the 1.1
 * endpoint, prototype-pollution keys, numbers as strings, oversize arrays, bad checksums, …, over
 * REST, SOAP and /validate. Each case must get exactly its status and GW_ERR code, quickly, and the
 * gateway must still answer normally afterwards.
 */
import t from 'tap'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { answerCode, hostileCases, send } from './hostile-cases.js'

const BODY_LIMIT = 256 * 1024

t.test('every hostile case gets its status and code', async (t) => {
  const gw = await startGateway(t, { BODY_LIMIT: String(BODY_LIMIT), RATE_LIMIT_MAX: '0' })
  const cases = hostileCases(BODY_LIMIT)
  t.ok(cases.length >= 60, `${cases.length} cases`)
  t.equal(new Set(cases.map((c) => c.name)).size, cases.length, 'case names are unique')
  for (const c of cases) {
    const started = process.hrtime.bigint()
    const res = await send(gw.app, c)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    t.same({ status: res.statusCode, code: answerCode(res) }, c.expect, `${c.name}: ${c.expect.status} ${c.expect.code ?? ''}`)
    if (c.itemCode) t.equal(res.json().rejected?.[0]?.errors?.[0]?.code, c.itemCode, `${c.name}: item refused with ${c.itemCode}`)
    if (c.invalid) t.equal(res.json().valid, false, `${c.name}: valid false`)
    t.ok(ms < 2000, `${c.name}: answered in ${ms.toFixed(1)} ms`)
  }
  const after = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(TOKENS.acceptance.alpha) })
  t.equal(after.statusCode, 200, 'the gateway answers normally after the corpus')
})
