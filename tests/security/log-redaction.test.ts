/**
 * NISS values never reach the log in clear: the gateway's pino options (src/logger.ts) redact
 * them wherever the shapes the gateway handles put them, and a whole gateway run at trace level
 * (publication, mailbox, feedback over REST and SOAP, refusals, a defect) writes none.
 */
import { Writable } from 'node:stream'
import { pino } from 'pino'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { createGateway } from '../../src/gateway.js'
import { loggerOptions } from '../../src/logger.js'
import { replaceSoapOperation } from '../../src/ingress/soap/operations.js'
import { maskNissText, NISS_MASK, scrubNissFromLog } from '../../src/security/niss-scrub.js'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { feedbackFor } from '../helpers/feedback.js'
import { envelope } from '../helpers/soap.js'
import { injectPatiently } from './hostile-cases.js'
import type { InjectOptions } from 'fastify'
import { auth, deleteKeys, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const NISS = '85073003328'
const OTHER_NISS = '01020304031'

function capture(level = 'trace') {
  const lines: string[] = []
  const log = pino(loggerOptions(level), new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }))
  return { log, lines }
}

t.test('blinker- and feedback-shaped objects are redacted at any depth the gateway logs', async (t) => {
  const { log, lines } = capture()
  const b = blinker(CPAS.alpha1, { beneficiary: { niss: NISS, lastName: 'Dupont', firstName: 'Marie' } })
  const shapes: Record<string, unknown> = {
    niss: NISS,
    blinker: b,
    blinkers: [b, { ...b, beneficiary: { niss: OTHER_NISS } }],
    body: { blinkers: [b] },
    req: { body: { blinkers: [b] } },
    job: { data: { blinker: b } },
    forward: { feedback: feedbackFor(b), blinker: b },
    deep: { a: { b: { c: { niss: NISS } } } },
    item: { value: { beneficiary: { niss: NISS } } },
  }
  for (const [key, value] of Object.entries(shapes)) log.info({ [key]: value }, `shape ${key}`)
  log.info(b, 'a blinker as the log object')
  t.equal(lines.length, Object.keys(shapes).length + 1)
  for (const line of lines) {
    const msg = JSON.parse(line).msg as string
    t.notMatch(line, new RegExp(`${NISS}|${OTHER_NISS}`), `${msg}: no NISS digits`)
  }
  t.match(lines.find((l) => l.includes('shape blinker')), /\[redacted\]/, 'the value is replaced, not dropped silently')
  t.match(lines.find((l) => l.includes('shape blinker')), new RegExp(b.blinkerId), 'the rest of the object is kept')
})

t.test('the scrubber masks NISS-shaped values anywhere, and nothing else', async (t) => {
  t.equal(maskNissText(`a ${NISS} b ${OTHER_NISS}`), `a ${NISS_MASK} b ${NISS_MASK}`, 'every 11-digit run in a text')
  t.equal(maskNissText('85.07.30-033.28 and 850730 033 28'), `${NISS_MASK} and ${NISS_MASK}`, 'the formatted ways of typing one')
  t.equal(maskNissText('kbo 0212344876, CLI-2026-000000001, 1795462713653, 2026-02-12T09:00:00+01:00'), 'kbo 0212344876, CLI-2026-000000001, 1795462713653, 2026-02-12T09:00:00+01:00', 'KBO, blinker ids, epoch ms and instants are kept')
  const err = Object.assign(new TypeError(`bad niss ${NISS}`), { value: NISS })
  class Handle {
    niss = NISS
  }
  const handle = new Handle()
  let deep: Record<string, unknown> = { niss: NISS }
  for (let i = 0; i < 12; i++) deep = { d: deep }
  const out = scrubNissFromLog({ n: 85073003328, small: 42, list: [NISS, { x: NISS }], err, handle, deep, nil: null })
  t.equal(out.n, NISS_MASK, 'an 11-digit number')
  t.equal(out.small, 42)
  t.same(out.list, [NISS_MASK, { x: NISS_MASK }])
  const scrubbed = out.err as Error & { value: string }
  t.ok(scrubbed instanceof TypeError, 'an error stays an error of its class')
  t.equal(scrubbed.message, `bad niss ${NISS_MASK}`)
  t.notMatch(scrubbed.stack, NISS)
  t.equal(scrubbed.value, NISS_MASK)
  t.equal(err.message, `bad niss ${NISS}`, 'the original error is untouched')
  t.equal(out.handle, handle, 'class instances are left to the serializers')
  t.notMatch(JSON.stringify(out.deep), NISS, 'too deep is replaced, not logged unchecked')
  t.equal(out.nil, null)
})

t.test('a gateway run at trace level writes no NISS', async (t) => {
  const { log, lines } = capture('trace')
  const prefix = `t${Date.now().toString(36)}`
  const config = loadConfig({ LOG_LEVEL: 'trace', KEY_PREFIX: prefix })
  const gw = await createGateway(config, { redisUrl: testRedisUrl(), logger: log })
  t.teardown(async () => {
    await gw.close()
    await deleteKeys(prefix)
  })
  // Patient inject: a stalled event loop on a loaded test machine must not fail a logging test.
  const call = (opts: InjectOptions) => injectPatiently(gw.app, opts)
  const A = TOKENS.acceptance
  const soapGetBlinkers: InjectOptions = {
    method: 'POST',
    url: '/acceptance/soap',
    headers: { ...auth(A.alpha), 'content-type': 'text/xml; charset=utf-8' },
    payload: envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`),
  }
  const good = blinker(CPAS.alpha1)
  const bad = blinker(CPAS.alpha1, { beneficiary: { niss: '85073003329' } })
  t.equal((await call({ method: 'POST', url: '/acceptance/v1/blinkers', headers: auth(A.publisher), payload: { blinkers: [good, bad] } })).statusCode, 202)
  t.equal((await call({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(A.alpha) })).statusCode, 200)
  t.equal((await call({ method: 'GET', url: `/acceptance/v1/blinkers/${good.blinkerId}`, headers: auth(A.inspection) })).statusCode, 200)
  const f = feedbackFor(good, { code: 999, comment: `NISS ${NISS} mentioned by the social worker` })
  t.equal((await call({ method: 'POST', url: '/acceptance/v1/feedback', headers: auth(A.alpha), payload: f })).statusCode, 202)
  t.equal((await call({ method: 'POST', url: '/acceptance/v1/feedback', headers: auth(A.alpha), payload: { ...f, messageId: NISS } })).statusCode, 400)
  t.equal((await call({ method: 'POST', url: '/validate?type=blinker', headers: { 'content-type': 'application/json' }, payload: bad })).statusCode, 200)
  t.equal((await call(soapGetBlinkers)).statusCode, 200)
  const restore = replaceSoapOperation('GetBlinkers', {
    roles: ['software-house'],
    handle: async () => {
      throw Object.assign(new Error('defect'), { blinker: good })
    },
  })
  t.teardown(restore)
  t.equal((await call(soapGetBlinkers)).statusCode, 500)
  restore()
  t.ok(lines.length >= 8, `${lines.length} log lines written`)
  t.ok(lines.some((l) => l.includes(good.blinkerId)), 'the lines do carry the business ids')
  const leaking = lines.filter((l) => l.includes(NISS) || l.includes('85073003329'))
  t.same(leaking, [], 'no line carries a NISS')
})
