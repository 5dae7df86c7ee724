/**
 * A small workspace for the page tests: blinkers of two software houses' CPAS with cancellations
 * forwarded to the built-in inspection inbox (the forward worker runs), and a logged-in inspector.
 */
import type { Test } from 'tap'
import type { Feedback } from '../../src/domain/model.js'
import { BROWSER, csrfOf, loginCookie } from '../accounts/login-helpers.js'
import { CPAS, until } from '../helpers/blinkers.js'
import { A, feedbackFor, getStatus, postFeedback, published } from '../helpers/feedback.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'

export interface Workspace {
  gw: TestGateway
  cookie: string
  csrf: string
  /** alpha: two cancellations on CPAS.alpha1 (131, and 999 with a formula-like comment); beta: one on CPAS.beta (150). */
  alpha: Feedback[]
  beta: Feedback[]
  blinkerOf: Map<string, string>
}

export const FORMULA_COMMENT = '=HYPERLINK("http://x.invalid","click") worked; "quoted"'

export async function workspace(t: Test, person = 'marie.dubois', password = 'demo-acc-marie'): Promise<Workspace> {
  const gw = await startGateway(t, {}, { workers: true })
  const blinkerOf = new Map<string, string>()
  const send = async (token: string, kbo: string, overrides: Partial<Feedback>, blinker: Parameters<typeof published>[3] = {}) => {
    const b = await published(t, gw, kbo, blinker)
    const f = feedbackFor(b, overrides)
    const res = await postFeedback(gw, token, f)
    t.equal(res.statusCode, 202, `feedback ${f.code} accepted`)
    blinkerOf.set(f.messageId, b.blinkerId)
    return f
  }
  const alpha = [await send(A.alpha, CPAS.alpha1, { code: 131 }), await send(A.alpha, CPAS.alpha1, { code: 999, comment: FORMULA_COMMENT })]
  const beta = [await send(A.beta, CPAS.beta, { code: 150 }, { flow: 'PENSION', finding: { periodStart: '2026-01-01', amountCents: 50000, description: 'pension paid in January' } })]
  for (const f of [...alpha, ...beta]) {
    await until(t, `${f.messageId} forwarded`, async () => (await getStatus(gw, A.inspection, f.messageId)).json().status === 'FORWARDED')
  }
  const cookie = await loginCookie(gw, person, password)
  return { gw, cookie, csrf: await csrfOf(gw, cookie), alpha, beta, blinkerOf }
}

export const page = (ws: Workspace, url: string, headers: Record<string, string> = {}) => ws.gw.app.inject({ method: 'GET', url, headers: { cookie: ws.cookie, ...BROWSER, ...headers } })
