/**
 * No answer carries a stack trace, an internal path or a framework error code: the whole hostile
 * corpus, unknown paths and methods, auth refusals, a handler that throws an Error whose message
 * and stack are full of paths, and every route while Redis is gone (503) are scanned.
 */
import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { replaceSoapOperation } from '../../src/ingress/soap/operations.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { envelope } from '../helpers/soap.js'
import { answerCode, hostileCases, send } from './hostile-cases.js'

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w.<>[\]]+ \(|\n\s+at /],
  ['an absolute path of this machine', /\/work\/|\/home\/|\/tmp\/|\/usr\/|[A-Z]:\\\\/],
  ['node_modules', /node_modules/],
  ['a file URL', /file:\/\//],
  ['a source position', /\.(?:ts|js|mjs|cjs):\d+/],
  ['a framework error code', /FST_ERR|(?<!GW_)ERR_[A-Z_]{3,}|ECONNREFUSED/],
  ['a stack property', /"stack"\s*:/],
]

function scan(t: Test, what: string, res: LightMyRequestResponse): void {
  const text = `${JSON.stringify(res.headers)}\n${res.body}`
  const found = LEAKS.filter(([, re]) => re.test(text)).map(([name]) => name)
  t.same(found, [], `${what}: ${res.statusCode} ${answerCode(res) ?? ''} leaks nothing`)
}

const BODY_LIMIT = 256 * 1024
const A = TOKENS.acceptance

t.test('error answers never carry stack traces, internal paths or framework codes', async (t) => {
  const gw = await startGateway(t, { BODY_LIMIT: String(BODY_LIMIT), RATE_LIMIT_MAX: '0' })
  let scanned = 0
  const check = (what: string, res: LightMyRequestResponse) => {
    scan(t, what, res)
    scanned++
  }
  for (const c of hostileCases(BODY_LIMIT)) check(c.name, await send(gw.app, c))
  for (const [method, url] of [['GET', '/nope'], ['GET', '/acceptance/v2/blinkers'], ['DELETE', '/acceptance/v1/blinkers'], ['PATCH', '/acceptance/soap'], ['GET', '/acceptance/soap'], ['GET', '/schemas/../package.json'], ['GET', '/schemas/%2e%2e%2fpackage.json'], ['GET', '/%']] as const) {
    check(`${method} ${url}`, await gw.app.inject({ method, url, headers: auth(A.alpha) }))
  }
  for (const [name, headers] of [['no token', {}], ['unknown token', auth('nope')], ['production token', auth(TOKENS.production.alpha)], ['wrong role', auth(A.publisher)]] as const) {
    check(`mailbox, ${name}`, await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers }))
  }

  // A defect: the handler throws an Error whose message and stack name files of this machine.
  const restore = replaceSoapOperation('GetBlinkers', {
    roles: ['software-house'],
    handle: async () => {
      throw new Error('ENOENT: no such file /work/main/node_modules/x/index.js at Object.<anonymous> (file:///work/main/src/x.ts:1:1)')
    },
  })
  t.teardown(restore)
  const defect = await gw.app.inject({
    method: 'POST',
    url: '/acceptance/soap',
    headers: { ...auth(A.alpha), 'content-type': 'text/xml' },
    payload: envelope(`<gw:GetBlinkersRequest><gw:cpasKbo>${CPAS.alpha1}</gw:cpasKbo></gw:GetBlinkersRequest>`),
  })
  t.equal(defect.statusCode, 500, 'a defect is a 500 …')
  t.equal(answerCode(defect), 'GW_ERR_INTERNAL', '… with GW_ERR_INTERNAL')
  check('SOAP handler defect', defect)
  restore()

  // Redis gone: every route answers 503 (or its own refusal) with nothing of ioredis in it.
  gw.redis.disconnect()
  for (const [method, url, payload] of [
    ['GET', `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, undefined],
    ['POST', '/acceptance/v1/feedback', { messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', blinkerId: 'CLI-2026-000000001', cpasKbo: CPAS.alpha1, code: 131, sentAt: '2026-02-12T09:00:00+01:00' }],
    ['GET', '/acceptance/v1/blinkers/CLI-2026-000000001', undefined],
    ['GET', '/health/ready', undefined],
  ] as const) {
    const res = await gw.app.inject({ method, url, headers: auth(A.alpha), ...(payload ? { payload } : {}) })
    t.equal(res.statusCode, 503, `${method} ${url} with Redis gone: 503`)
    check(`${method} ${url} with Redis gone`, res)
  }
  t.ok(scanned >= 120, `${scanned} answers scanned`)
})
