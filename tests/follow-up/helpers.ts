/**
 * Fixtures of the follow-up tests: rate figures for a CPAS written through the real routes
 * (PUT /v1/statistics/files and published blinkers of distinct beneficiaries), and the calls.
 */
import type { Test } from 'tap'
import { demoNiss } from '../../src/statistics/demo-data.js'
import { blinker, publish } from '../helpers/blinkers.js'
import { auth, TOKENS, type TestGateway } from '../helpers/gateway.js'

export const A = TOKENS.acceptance
let person = 7_000_000 + Math.floor(Math.random() * 100_000) * 10

/** Publishes `withBlinker` distinct beneficiaries (DIS) of `kbo` in `year` and sets its files (DIS + LAW_1965). */
export async function rateFor(t: Test, gw: TestGateway, kbo: string, year: number, files: { DIS: number; LAW_1965: number }, withBlinker: number): Promise<void> {
  const put = await gw.app.inject({
    method: 'PUT',
    url: '/acceptance/v1/statistics/files',
    headers: auth(A.publisher),
    payload: { period: String(year), counts: [{ cpasKbo: kbo, regime: 'DIS', files: files.DIS }, { cpasKbo: kbo, regime: 'LAW_1965', files: files.LAW_1965 }] },
  })
  t.equal(put.statusCode, 204, put.body)
  const items = Array.from({ length: withBlinker }, () =>
    blinker(kbo, {
      beneficiary: { niss: demoNiss(person++), lastName: 'Test', firstName: 'Persoon' },
      form: { type: 'B', reference: 'B-T-1', periodStart: `${year}-03-01`, periodEnd: `${year}-03-31` },
      finding: { periodStart: `${year}-03-05`, amountCents: 1000, description: 'test' },
      detectedAt: `${year}-04-10T08:00:00+01:00`,
    }),
  )
  if (items.length === 0) return
  const res = await publish(gw, items)
  t.equal(res.statusCode, 202, res.body)
  t.equal(res.json().accepted, withBlinker)
}

export const open = (gw: TestGateway, kbo: string, body: unknown, token: string = A.inspection) =>
  gw.app.inject({ method: 'POST', url: `/acceptance/v1/cpas/${kbo}/follow-ups`, headers: auth(token), payload: body as object })

export const patch = (gw: TestGateway, kbo: string, id: string, body: unknown, token: string = A.inspection) =>
  gw.app.inject({ method: 'PATCH', url: `/acceptance/v1/cpas/${kbo}/follow-ups/${id}`, headers: auth(token), payload: body as object })

export const get = (gw: TestGateway, url: string, token: string = A.inspection) => gw.app.inject({ method: 'GET', url: `/acceptance${url}`, headers: auth(token) })
