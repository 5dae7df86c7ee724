import t from 'tap'
import { encodeCursor } from '../../src/services/mailbox-service.js'
import { blinker, blinkers, CPAS, publish, pull } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const A = TOKENS.acceptance
type Page = { blinkers: { blinkerId: string; status: string; publishedAt: string; cpasKbo: string; history?: unknown }[]; next: string }

t.test('pages in publication order; next resumes without skip or repeat; marks DELIVERED', async (t) => {
  const gw = await startGateway(t)
  const published = [...blinkers(4, CPAS.alpha1), ...blinkers(2, CPAS.alpha2), ...blinkers(3, CPAS.alpha1)]
  t.equal((await publish(gw, published)).json().accepted, 9)
  const expected = published.filter((b) => b.cpasKbo === CPAS.alpha1).map((b) => b.blinkerId)

  const p1 = (await pull(gw, A.alpha, CPAS.alpha1, '?limit=5')).json() as Page
  t.same(p1.blinkers.map((b) => b.blinkerId), expected.slice(0, 5))
  t.ok(p1.blinkers.every((b) => b.status === 'DELIVERED' && b.cpasKbo === CPAS.alpha1 && b.publishedAt && !('history' in b)))
  t.same(Object.keys(p1.blinkers[0] ?? {}), ['blinkerId', 'cpasKbo', 'regime', 'beneficiary', 'form', 'flow', 'finding', 'detectedAt', 'status', 'publishedAt'], 'XSD field order')
  const p2 = (await pull(gw, A.alpha, CPAS.alpha1, `?limit=5&after=${p1.next}`)).json() as Page
  t.same(p2.blinkers.map((b) => b.blinkerId), expected.slice(5))
  const p3 = (await pull(gw, A.alpha, CPAS.alpha1, `?after=${p2.next}`)).json() as Page
  t.same(p3.blinkers, [], 'drained')
  t.equal(p3.next, p2.next, 'an empty page hands back the same cursor to poll with')

  const late = blinker(CPAS.alpha1)
  await publish(gw, [late])
  const p4 = (await pull(gw, A.alpha, CPAS.alpha1, `?after=${p3.next}`)).json() as Page
  t.same(p4.blinkers.map((b) => b.blinkerId), [late.blinkerId], 'polling with the last cursor finds only the new one')

  const detail = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${expected[0]}`, headers: auth(A.alpha) })).json()
  t.match(detail.history, [{ status: 'PUBLISHED' }, { status: 'DELIVERED', cause: 'pulled', by: 'alpha' }])
  // Reading again from the start does not add history nor regress an acknowledged blinker.
  await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${expected[0]}/acknowledgements`, headers: auth(A.alpha) })
  const again = (await pull(gw, A.alpha, CPAS.alpha1, '?limit=1')).json() as Page
  t.equal(again.blinkers[0]?.status, 'ACKNOWLEDGED')
  const detail2 = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${expected[0]}`, headers: auth(A.alpha) })).json()
  t.equal(detail2.history.length, 3)

  const other = (await pull(gw, A.alpha, CPAS.alpha2)).json() as Page
  t.equal(other.blinkers.length, 2, 'each CPAS has its own mailbox')
})

t.test('stable under concurrent publication: every blinker exactly once, in order', async (t) => {
  const gw = await startGateway(t)
  const batches = Array.from({ length: 20 }, () => blinkers(25, CPAS.beta))
  const seen: string[] = []
  let cursor = ''
  let publishing = true
  const publisher = (async () => {
    for (const batch of batches) await publish(gw, batch)
    publishing = false
  })()
  for (;;) {
    const wasPublishing = publishing
    const page = (await pull(gw, A.beta, CPAS.beta, `?limit=7${cursor ? `&after=${cursor}` : ''}`)).json() as Page
    seen.push(...page.blinkers.map((b) => b.blinkerId))
    cursor = page.next
    if (!wasPublishing && page.blinkers.length < 7) break
  }
  await publisher
  t.same(seen, batches.flat().map((b) => b.blinkerId), '500 blinkers, none skipped or repeated, in publication order')
})

t.test('parameters: cursor, limit, kbo are checked before Redis; CPAS scope', async (t) => {
  const gw = await startGateway(t)
  for (const [query, what] of [
    ['?after=garbage!', 'non-base64url cursor'],
    [`?after=${Buffer.from('not-a-stream-id').toString('base64url')}`, 'cursor that is not a stream id'],
    ['?limit=0', 'limit 0'],
    ['?limit=501', 'limit over 500'],
    ['?limit=ten', 'limit not a number'],
  ] as const) {
    const res = await pull(gw, A.alpha, CPAS.alpha1, query)
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().code, 'GW_ERR_BAD_PARAMETER', what)
  }
  const ok = await pull(gw, A.alpha, CPAS.alpha1, `?limit=500&after=${encodeCursor('0-0')}`)
  t.equal(ok.statusCode, 200)
  const badKbo = await pull(gw, A.alpha, '0212344877')
  t.equal(badKbo.statusCode, 400, 'checksum of the kbo')
  t.equal(badKbo.json().code, 'GW_ERR_BAD_PARAMETER')
  const notMine = await pull(gw, A.beta, CPAS.alpha1)
  t.equal(notMine.statusCode, 403)
  t.equal(notMine.json().code, 'GW_ERR_FORBIDDEN_CPAS')
  const publisher = await pull(gw, A.publisher, CPAS.alpha1)
  t.equal(publisher.statusCode, 403)
  t.equal(publisher.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  const otherEnv = await pull(gw, TOKENS.production.alpha, CPAS.alpha1)
  t.equal(otherEnv.statusCode, 403)
  t.equal(otherEnv.json().code, 'GW_ERR_WRONG_ENVIRONMENT')
})

t.test('acceptance and production mailboxes are separate', async (t) => {
  const gw = await startGateway(t)
  const acc = blinker(CPAS.alpha1)
  const prod = blinker(CPAS.alpha1)
  await publish(gw, [acc])
  await publish(gw, [prod], 'production')
  t.same(((await pull(gw, A.alpha, CPAS.alpha1)).json() as Page).blinkers.map((b) => b.blinkerId), [acc.blinkerId])
  t.same(((await pull(gw, TOKENS.production.alpha, CPAS.alpha1, '', 'production')).json() as Page).blinkers.map((b) => b.blinkerId), [prod.blinkerId])
})

const soap = (op: string, inner: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><${op}Request xmlns="urn:blinker-gateway:v1">${inner}</${op}Request></s:Body></s:Envelope>`

t.test('SOAP GetBlinkers gives the same pages; AcknowledgeBlinker is the same event', async (t) => {
  const gw = await startGateway(t)
  const published = blinkers(3, CPAS.alpha2)
  await publish(gw, published)
  const call = (op: string, inner: string, token: string = A.alpha) =>
    gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(token), 'content-type': 'text/xml; charset=utf-8', soapaction: `"urn:blinker-gateway:v1#${op}"` }, payload: soap(op, inner) })
  const page1 = await call('GetBlinkers', `<cpasKbo>${CPAS.alpha2}</cpasKbo><limit>2</limit>`)
  t.equal(page1.statusCode, 200, page1.body)
  const ids = [...page1.body.matchAll(/<(?:\w+:)?blinkerId>([^<]+)</g)].map((m) => m[1])
  t.same(ids, published.slice(0, 2).map((b) => b.blinkerId))
  const next = /<(?:\w+:)?next>([^<]+)</.exec(page1.body)?.[1]
  const rest = (await pull(gw, A.alpha, CPAS.alpha2, '?limit=2')).json() as Page
  t.equal(next, rest.next, 'the same cursor as REST for the same page')
  const page2 = await call('GetBlinkers', `<cpasKbo>${CPAS.alpha2}</cpasKbo><after>${next}</after>`)
  t.same([...page2.body.matchAll(/<(?:\w+:)?blinkerId>([^<]+)</g)].map((m) => m[1]), [published[2]?.blinkerId])

  const ack = await call('AcknowledgeBlinker', `<blinkerId>${published[0]?.blinkerId}</blinkerId>`)
  t.equal(ack.statusCode, 200, ack.body)
  t.match(ack.body, /<(?:\w+:)?status>ACKNOWLEDGED</)
  const ackOther = await call('AcknowledgeBlinker', `<blinkerId>${published[0]?.blinkerId}</blinkerId>`, A.beta)
  t.equal(ackOther.statusCode, 403, 'a SOAP fault with the REST status')
  t.match(ackOther.body, /GW_ERR_FORBIDDEN_CPAS/)
  const notMine = await call('GetBlinkers', `<cpasKbo>${CPAS.alpha2}</cpasKbo>`, A.beta)
  t.match(notMine.body, /GW_ERR_FORBIDDEN_CPAS/)
})
