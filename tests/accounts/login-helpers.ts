/** Logging in through the real form, as a browser would (tests/accounts/, tests/dashboard/). */
import type { TestGateway } from '../helpers/gateway.js'

export const BROWSER = { accept: 'text/html,application/xhtml+xml' }
export const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** The demo inspectors' passwords (src/accounts/inspectors.ts, README). */
export const DEMO_PASSWORDS = { acceptance: { marie: 'demo-acc-marie', jan: 'demo-acc-jan' }, production: { marie: 'demo-prod-marie', jan: 'demo-prod-jan' } } as const

export async function postLogin(gw: TestGateway, fields: Record<string, string>, env = 'acceptance', headers: Record<string, string> = {}) {
  return gw.app.inject({ method: 'POST', url: `/${env}/dashboard/login`, headers: { ...FORM, ...BROWSER, ...headers }, payload: new URLSearchParams(fields).toString() })
}

/** Logs in and answers the `name=value` of the session cookie. */
export async function loginCookie(gw: TestGateway, name = 'marie.dubois', password: string = DEMO_PASSWORDS.acceptance.marie, env = 'acceptance'): Promise<string> {
  const res = await postLogin(gw, { name, password }, env)
  if (res.statusCode !== 303) throw new Error(`login of ${name} answered ${res.statusCode}`)
  return String(res.headers['set-cookie']).split(';')[0] as string
}

/** A page's CSRF token, read from its logout form. */
export async function csrfOf(gw: TestGateway, cookie: string, env = 'acceptance'): Promise<string> {
  const page = await gw.app.inject({ method: 'GET', url: `/${env}/dashboard`, headers: { cookie, ...BROWSER } })
  const token = /name="csrf" value="([A-Za-z0-9_-]{43})"/.exec(page.body)?.[1]
  if (!token) throw new Error(`no CSRF token in the page (status ${page.statusCode})`)
  return token
}
