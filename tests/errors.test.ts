import { readFileSync } from 'node:fs'
import t from 'tap'
import { ERRORS, GatewayError, toProblem, type ErrorCode } from '../src/errors.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

t.test('every GW_ERR code is documented in the README with its status, and only those', async (t) => {
  for (const [code, { status }] of Object.entries(ERRORS)) {
    t.match(readme, new RegExp(`^\\| \`${code}\` \\| ${status} \\|`, 'm'), code)
  }
  const documented = new Set([...readme.matchAll(/^\| `(GW_ERR_[A-Z_]+)` \| /gm)].map((m) => m[1]))
  t.same([...documented].sort(), Object.keys(ERRORS).sort(), 'README table and registry list the same codes')
})

t.test('statuses follow contract section 7', async (t) => {
  const expect: [ErrorCode, number][] = [
    ['GW_ERR_MALFORMED_JSON', 400], ['GW_ERR_VALIDATION', 400], ['GW_ERR_XML_FORBIDDEN', 400],
    ['GW_ERR_UNAUTHENTICATED', 401], ['GW_ERR_WRONG_ENVIRONMENT', 403], ['GW_ERR_FORBIDDEN_CPAS', 403],
    ['GW_ERR_FORBIDDEN_ROLE', 403], ['GW_ERR_UNKNOWN_BLINKER', 404], ['GW_ERR_BLINKER_CLOSED', 409],
    ['GW_ERR_MESSAGE_ID_REUSED', 409], ['GW_ERR_PAYLOAD_TOO_LARGE', 413], ['GW_ERR_UNSUPPORTED_MEDIA_TYPE', 415],
    ['GW_ERR_CODE_NOT_FOR_FLOW', 422], ['GW_ERR_RATE_LIMITED', 429], ['GW_ERR_STORE_UNAVAILABLE', 503],
  ]
  for (const [code, status] of expect) t.equal(ERRORS[code].status, status, code)
})

t.test('a problem document carries type, title, status, detail, code and errors', async (t) => {
  const p = toProblem(new GatewayError('GW_ERR_VALIDATION', 'bad blinker', [{ path: '/cpasKbo', message: 'must be a valid enterprise number' }]))
  t.same(p, {
    type: '/errors#GW_ERR_VALIDATION',
    title: ERRORS.GW_ERR_VALIDATION.title,
    status: 400,
    detail: 'bad blinker',
    code: 'GW_ERR_VALIDATION',
    errors: [{ path: '/cpasKbo', message: 'must be a valid enterprise number' }],
  })
  t.notOk('errors' in toProblem(new GatewayError('GW_ERR_NOT_FOUND')), 'no empty errors list')
  t.equal(toProblem(new GatewayError('GW_ERR_NOT_FOUND')).detail, ERRORS.GW_ERR_NOT_FOUND.title, 'detail defaults to the title')
})
