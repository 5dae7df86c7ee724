/**
 * The barometer's routes document themselves in the OpenAPI document (GET /docs/json) as
 * tests/docs/openapi.test.ts requires of every route: summary, description, tags, a success
 * answer, the error answers they can produce with examples — and the errors a probe gets back.
 */
import t from 'tap'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

type Operation = { summary?: string; description?: string; tags?: string[]; responses: Record<string, { content?: Record<string, { examples?: Record<string, unknown> }> }> }

const ROUTES: [path: string, url: string, expected: string[]][] = [
  ['/{env}/v1/barometer', '/acceptance/v1/barometer?cycle=1999-2000', ['200', '400', '401', '403', '503']],
  ['/{env}/v1/barometer/{partyId}', '/acceptance/v1/barometer/nobody', ['200', '400', '401', '403', '404', '503']],
  ['/{env}/v1/barometer/{partyId}/report.xlsx', '/acceptance/v1/barometer/nobody/report.xlsx', ['200', '400', '401', '403', '404', '503']],
  ['/{env}/dashboard/barometer', '/acceptance/dashboard/barometer?cycle=x', ['200', '400', '401', '403', '503']],
  ['/{env}/barometer', '/acceptance/barometer', ['303', '503']],
]

t.test('documented with summary, tags, success and error answers', async (t) => {
  const gw = await startGateway(t)
  await gw.app.ready()
  const doc = gw.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>>; tags: { name: string }[] }
  t.ok(doc.tags.some((x) => x.name === 'barometer'), 'the barometer tag is described')
  for (const [path, url, expected] of ROUTES) {
    const op = doc.paths[path]?.get
    if (!op) {
      t.fail(`${path} is not in the document`)
      continue
    }
    t.ok(op.summary && op.description && op.tags?.length, `${path}: summary, description, tags`)
    for (const status of expected) t.ok(op.responses[status], `${path}: documents ${status}`)
    for (const [status, r] of Object.entries(op.responses).filter(([s]) => /^[45]/.test(s))) {
      t.ok(Object.keys(Object.values(r.content ?? {})[0]?.examples ?? {}).length > 0, `${path}: ${status} has examples`)
    }
    const probe = await gw.app.inject({ method: 'GET', url, headers: auth(TOKENS.acceptance.inspection) })
    t.ok(op.responses[String(probe.statusCode)], `${path}: the probe's ${probe.statusCode} is documented`)
    const anonymous = await gw.app.inject({ method: 'GET', url })
    t.ok(op.responses[String(anonymous.statusCode)], `${path}: ${anonymous.statusCode} without a token is documented`)
  }
  const list = doc.paths['/{env}/v1/barometer']?.get as Operation
  t.match(JSON.stringify(list.responses['400']), /GW_ERR_BAD_PARAMETER/)
  t.match(JSON.stringify(doc.paths['/{env}/v1/barometer/{partyId}']?.get?.responses['403']), /GW_ERR_FORBIDDEN_ROLE/)
})
