/**
 * OIDC login against a real OpenID Connect provider (oidc-provider 8, its development login and
 * consent screens) on 127.0.0.1, driven with fetch through every redirect as a browser would:
 * gateway → provider (login, consent) → gateway callback → session → the dashboard with the
 * person's name. Also: an unknown subject, a forged or replayed state, a provider that does not
 * answer, and the settings that must stop the start.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Provider from 'oidc-provider'
import t, { type Test } from 'tap'
import { loadConfig } from '../../src/config.js'
import { oidcClient } from '../../src/accounts/oidc-client.js'
import { startGateway, type TestGateway } from '../helpers/gateway.js'
import { BROWSER } from './login-helpers.js'

const INSPECTORS = {
  acceptance: [
    { id: 'sophie.martin', name: 'Sophie Martin', oidcSubject: 'idp-sophie-0001' },
    { id: 'jan.peeters', name: 'Jan Peeters', passwordScrypt: '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
  ],
}

/** A minimal cookie jar: name → value per origin (paths ignored: enough for two servers). */
class Jar {
  private readonly cookies = new Map<string, Map<string, string>>()
  store(url: URL, res: Response): void {
    const jar = this.cookies.get(url.origin) ?? new Map<string, string>()
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';')
      const eq = (pair as string).indexOf('=')
      const name = (pair as string).slice(0, eq).trim()
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a))
      if (expired) jar.delete(name)
      else jar.set(name, (pair as string).slice(eq + 1).trim())
    }
    this.cookies.set(url.origin, jar)
  }
  header(url: URL): string {
    return [...(this.cookies.get(url.origin) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ')
  }
  get(url: URL, name: string): string | undefined {
    return this.cookies.get(url.origin)?.get(name)
  }
}

async function go(jar: Jar, url: URL, init: { method?: string; body?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...BROWSER, cookie: jar.header(url) }
  if (init.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded'
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body, redirect: 'manual' })
  jar.store(url, res)
  return res
}

/** Follows redirects (fetch does not keep cookies across them) until a page answers. */
async function follow(jar: Jar, start: URL, init: { method?: string; body?: string } = {}): Promise<{ res: Response; url: URL; hops: URL[] }> {
  let url = start
  let res = await go(jar, url, init)
  const hops = [url]
  while (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location') as string, url)
    hops.push(url)
    res = await go(jar, url)
  }
  return { res, url, hops }
}

/** Submits the provider's development form (login or consent) on the page just loaded. */
async function submitInteraction(jar: Jar, page: { res: Response; url: URL }, fields: Record<string, string>) {
  const body = await page.res.text()
  const action = /<form[^>]*action="([^"]+)"/.exec(body)?.[1]
  if (!action) throw new Error(`no form at ${page.url.href}: ${body.slice(0, 200)}`)
  return follow(jar, new URL(action, page.url), { method: 'POST', body: new URLSearchParams(fields).toString() })
}

interface Setup {
  gw: TestGateway
  gateway: URL
  issuer: string
}

async function setup(t: Test, env: Record<string, string> = {}): Promise<Setup> {
  // The provider's port first (the gateway needs the issuer), the provider itself once the
  // gateway's address is known (its client registers the redirect URI).
  const slot: { handler?: (req: IncomingMessage, res: ServerResponse) => void } = {}
  const server = createServer((req, res) => (slot.handler ? slot.handler(req, res) : res.writeHead(503).end()))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const dir = mkdtempSync(join(tmpdir(), 'bgw-oidc-'))
  const file = join(dir, 'inspectors.json')
  writeFileSync(file, JSON.stringify(INSPECTORS))
  const gw = await startGateway(t, { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: 'blinker-gateway', OIDC_CLIENT_SECRET: 'a-client-secret-for-tests', OIDC_ALLOW_INSECURE_LOOPBACK: 'true', INSPECTORS_FILE: file, ...env })
  const gateway = new URL(await gw.app.listen({ host: '127.0.0.1', port: 0 }))
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'blinker-gateway',
        client_secret: 'a-client-secret-for-tests',
        redirect_uris: [`${gateway.origin}/acceptance/dashboard/login/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-cookie-key'] },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
  })
  slot.handler = provider.callback()
  return { gw, gateway, issuer }
}

/** Gateway → provider login → consent → back to the gateway's callback. */
async function providerLogin(jar: Jar, s: Setup, subject: string, next?: string) {
  const start = new URL(`/acceptance/dashboard/login/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}`, s.gateway)
  const first = await go(jar, start)
  const stateCookie = jar.get(s.gateway, 'bgw_oidc')
  const toProvider = new URL(first.headers.get('location') as string)
  const loginPage = await follow(jar, toProvider)
  const consentPage = await submitInteraction(jar, loginPage, { prompt: 'login', login: subject, password: 'anything' })
  const back = await submitInteraction(jar, consentPage, { prompt: 'consent' })
  return { first, stateCookie, toProvider, loginPage, back }
}

t.test('the full authorization code + PKCE flow ends with a session that opens the dashboard with the person\'s name', async (t) => {
  const s = await setup(t)
  const jar = new Jar()
  const { first, stateCookie, toProvider, back } = await providerLogin(jar, s, 'idp-sophie-0001', '/acceptance/dashboard?period=2025')
  t.equal(first.status, 303, 'the gateway sends the browser to the provider')
  t.equal(toProvider.origin, s.issuer)
  t.equal(toProvider.searchParams.get('response_type'), 'code')
  t.equal(toProvider.searchParams.get('code_challenge_method'), 'S256')
  t.match(toProvider.searchParams.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/)
  t.ok(toProvider.searchParams.get('state') && toProvider.searchParams.get('nonce'), 'state and nonce')
  t.equal(toProvider.searchParams.get('redirect_uri'), `${s.gateway.origin}/acceptance/dashboard/login/oidc/callback`, 'derived from the request Host')
  t.equal(stateCookie, toProvider.searchParams.get('state'), 'the state is bound to this browser')

  t.equal(back.url.pathname, '/acceptance/dashboard/login/oidc/callback', 'the provider sent the browser back with a code')
  t.ok(back.url.searchParams.get('code'))
  t.equal(back.res.status, 200)
  const done = await back.res.text()
  t.match(done, /<meta http-equiv="refresh" content="0;url=\/acceptance\/dashboard\?period=2025">/, 'the page moves on to next')
  t.match(done, 'Sophie Martin')
  const session = jar.get(s.gateway, 'bgw_session')
  t.match(session, /^[A-Za-z0-9_-]{43}$/, 'a session cookie')
  t.notOk(jar.get(s.gateway, 'bgw_oidc'), 'the state cookie is cleared')

  const dashboard = await go(jar, new URL('/acceptance/dashboard', s.gateway))
  t.equal(dashboard.status, 200)
  t.match(await dashboard.text(), 'Sophie Martin', 'the dashboard names the person')

  // The code and state are single-use: replaying the callback gives nothing.
  const replay = await go(jar, back.url)
  t.equal(replay.status, 400)
  t.match(await replay.text(), /id="login-error"/)
})

t.test('an unknown subject is refused with a page; a state this browser did not start too', async (t) => {
  const s = await setup(t)
  const jar = new Jar()
  const { back } = await providerLogin(jar, s, 'someone-else')
  t.equal(back.res.status, 403)
  t.match(await back.res.text(), /id="login-error"/)
  t.notOk(jar.get(s.gateway, 'bgw_session'), 'no session')

  // Another browser (no bgw_oidc cookie) lands on a callback it did not start: login CSRF refused.
  const victim = new Jar()
  const attacker = new Jar()
  const { back: forged } = await providerLogin(attacker, s, 'idp-sophie-0001')
  t.equal(forged.res.status, 200, 'the attacker\'s own browser would log in')
  const first = await go(attacker, new URL('/acceptance/dashboard/login/oidc', s.gateway))
  const stolen = new URL(first.headers.get('location') as string)
  const planted = await go(victim, new URL(`/acceptance/dashboard/login/oidc/callback?code=x&state=${stolen.searchParams.get('state')}`, s.gateway))
  t.equal(planted.status, 400, 'a state without its browser cookie is refused')
  const garbage = await go(victim, new URL('/acceptance/dashboard/login/oidc/callback?code=x&state=%00', s.gateway))
  t.equal(garbage.status, 400)

  // Password login still works beside OIDC, and the login page offers both.
  const form = await go(new Jar(), new URL('/acceptance/dashboard/login?lang=en', s.gateway))
  const body = await form.text()
  t.match(body, /id="login-oidc"/)
  t.match(body, /Log in with the identity provider/)
})

t.test('a code the provider refuses (wrong PKCE verifier after a tampered store) answers a page, not a 500', async (t) => {
  const s = await setup(t)
  const jar = new Jar()
  const start = await go(jar, new URL('/acceptance/dashboard/login/oidc', s.gateway))
  const state = new URL(start.headers.get('location') as string).searchParams.get('state') as string
  const key = `${s.gw.prefix}:acceptance:oidc:login:${state}`
  const pending = JSON.parse((await s.gw.redis.get(key)) as string)
  await s.gw.redis.set(key, JSON.stringify({ ...pending, verifier: 'x'.repeat(43) }), 'PX', 60_000)
  const loginPage = await follow(jar, new URL(start.headers.get('location') as string))
  const consent = await submitInteraction(jar, loginPage, { prompt: 'login', login: 'idp-sophie-0001', password: 'x' })
  const back = await submitInteraction(jar, consent, { prompt: 'consent' })
  t.equal(back.res.status, 400)
  t.notOk(jar.get(s.gateway, 'bgw_session'))
})

t.test('a provider that does not answer: 502 page, and the next login tries again', async (t) => {
  const gw = await startGateway(t, { OIDC_ISSUER: 'http://127.0.0.1:1', OIDC_CLIENT_ID: 'x', OIDC_ALLOW_INSECURE_LOOPBACK: 'true' })
  for (let i = 0; i < 2; i++) {
    const res = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/login/oidc', headers: BROWSER })
    t.equal(res.statusCode, 502)
    t.match(res.body, /id="login-error"/)
  }
  const plain = await startGateway(t)
  for (const url of ['/acceptance/dashboard/login/oidc', '/acceptance/dashboard/login/oidc/callback?state=x']) {
    const res = await plain.app.inject({ method: 'GET', url, headers: BROWSER })
    t.equal(res.statusCode, 404, `${url}: no provider configured`)
  }
})

t.test('OIDC settings that cannot work stop the start', async (t) => {
  t.equal(oidcClient(loadConfig({})), undefined, 'no issuer: local accounts only')
  t.throws(() => oidcClient(loadConfig({ OIDC_ISSUER: 'https://idp.example' })), { name: 'ConfigError', message: /OIDC_CLIENT_ID is required/ })
  t.throws(() => oidcClient(loadConfig({ OIDC_ISSUER: 'http://idp.example', OIDC_CLIENT_ID: 'x', OIDC_ALLOW_INSECURE_LOOPBACK: 'true' })), { message: /must be https/ }, 'plain http only on loopback')
  t.throws(() => oidcClient(loadConfig({ OIDC_ISSUER: 'http://127.0.0.1:9', OIDC_CLIENT_ID: 'x' })), { message: /must be https/ }, 'and only when allowed')
  const c = oidcClient(loadConfig({ OIDC_ISSUER: 'https://idp.example', OIDC_CLIENT_ID: 'x', OIDC_REDIRECT_BASE: 'https://gw.example/' }))
  t.equal(c?.redirectUri({ envCtx: { env: 'production' } } as never), 'https://gw.example/production/dashboard/login/oidc/callback')
  await t.rejects(startGateway(t, { OIDC_ISSUER: 'https://idp.example' }), { name: 'ConfigError' }, 'at start')
})
