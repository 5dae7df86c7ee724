/**
 * The page shell and the dashboard in three languages over HTTP (app.inject): <html lang>, the
 * language switch, the remembered choice, numbers in the locale, the default period (the latest
 * with file counts), and HTML error pages for a bad query or an unknown page path.
 */
import t from 'tap'
import { defaultPeriod } from '../../src/dashboard/dashboard-data.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const BROWSER = { accept: 'text/html,application/xhtml+xml', ...auth(A.inspection) }
const NBSP = '\u00a0'

async function files(gw: TestGateway, period: string, counts: { cpasKbo: string; files: number }[]) {
  const res = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/statistics/files', headers: auth(A.publisher), payload: { period, counts: counts.map((c) => ({ ...c, regime: 'DIS' })) } })
  if (res.statusCode !== 204) throw new Error(`files: ${res.statusCode} ${res.body}`)
}

t.test('the dashboard in French, Dutch and English', async (t) => {
  const gw = await startGateway(t)
  await published(t, gw, CPAS.alpha1, { form: { type: 'B', reference: 'R1', periodStart: '2025-03-01' } })
  await published(t, gw, CPAS.beta, { form: { type: 'B', reference: 'R2', periodStart: '2025-03-01' } })
  // 2 of 1 250 files (0,16 %), and a newer year with a blinker but no file counts.
  await files(gw, '2025', [{ cpasKbo: CPAS.alpha1, files: 1000 }, { cpasKbo: CPAS.beta, files: 250 }])
  await published(t, gw, CPAS.beta, { form: { type: 'B', reference: 'R3', periodStart: '2027-01-01' } })

  const fr = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: BROWSER })
  t.equal(fr.statusCode, 200)
  t.match(fr.body, /^<!doctype html><html lang="fr">/, 'French when nothing is said')
  t.match(fr.body, '<h1>Tableau de bord de l’inspection</h1>')
  t.match(fr.body, '2025 : dossiers avec au moins un clignotant', 'the latest period with file counts, not 2027')
  t.match(fr.body, `2 sur 1${'\u202f'}250 dossiers`, 'numbers grouped as in fr-BE')
  t.match(fr.body, `0,16${NBSP}%`)
  t.match(fr.body, `Au-delà de 10${NBSP}% : inspection sur place (0)`)
  t.match(fr.body, 'href="?period=2027"', 'the other period is one click away')
  t.notMatch(fr.body, /set-cookie/i)
  t.notOk(fr.headers['set-cookie'], 'no choice to remember without ?lang=')
  t.match(fr.body, 'lang="nl" hreflang="nl">Nederlands</a>', 'the switch names each language in itself')
  t.match(fr.body, 'href="/acceptance/dashboard?lang=en"')
  t.match(fr.body, 'aria-current="page">Tableau de bord</a>', 'the current page in the navigation')
  for (const path of ['/pending', '/cpas', '/follow-ups', '/barometer']) t.match(fr.body, `href="/acceptance/dashboard${path}"`, `nav: ${path}`)
  t.match(fr.body, 'Allocations familiales', 'flows by name')
  t.match(fr.body, 'id="trend-data"', 'a data table under the trend')
  t.match(fr.body, 'id="rate-histogram-data"')
  t.match(fr.body, 'id="flow-shares-data"')
  t.match(fr.body, 'class="skip" href="#main"', 'a skip link')

  const nl = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { ...BROWSER, 'accept-language': 'nl-BE,nl;q=0.9,fr;q=0.5' } })
  t.match(nl.body, /<html lang="nl">/, 'the browser says Dutch')
  t.match(nl.body, '<h1>Dashboard van de inspectie</h1>')
  t.match(nl.body, '2 van 1.250 dossiers')
  t.match(nl.body, `Boven 10${NBSP}%: inspectie ter plaatse (0)`)
  t.match(nl.body, 'Gezinsbijslag')

  const en = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?period=2025&lang=en', headers: { ...BROWSER, 'accept-language': 'nl' } })
  t.match(en.body, /<html lang="en">/, '?lang= beats the browser')
  t.match(en.body, '2 of 1,250 files')
  t.match(en.body, 'Above 10%: on-site inspection (0)')
  t.match(en.body, 'href="/acceptance/dashboard?period=2025&amp;lang=fr"', 'the switch keeps the query')
  const newer = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?period=2027&lang=en', headers: BROWSER })
  t.match(newer.body, 'Blinkers but no files given (1):', 'a period without file counts says so')

  // Inbox items as the forward worker writes them: names, flows and codes in the language; a
  // partial item still renders.
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const item = { receivedAt: '2026-07-01T10:05:00Z', softwareHouse: 'alpha', feedback: { blinkerId: 'B-1', cpasKbo: CPAS.alpha1, code: 2, comment: '<b>x</b>' }, blinker: { flow: 'PENSION' } }
  await envCtx.redis.xadd(keys.inspectionInbox(envCtx.keys), '*', 'messageId', 'm1', 'body', JSON.stringify(item))
  await envCtx.redis.xadd(keys.inspectionInbox(envCtx.keys), '*', 'messageId', 'm2', 'body', '{}')
  await envCtx.redis.xadd(keys.inspectionInbox(envCtx.keys), '*', 'other', 'x')
  const inbox = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?lang=nl', headers: BROWSER })
  t.equal(inbox.statusCode, 200)
  t.match(inbox.body, 'Inbox van de inspectie (laatste 3)')
  t.match(inbox.body, '<td>01/07/2026 12:05</td><td>B-1</td>', 'the time in Brussels, in the locale')
  t.match(inbox.body, '<b>2</b> <span class="muted">Terecht: terugvordering', 'the code with its Dutch label')
  t.match(inbox.body, '<td>Pensioen</td>')
  t.match(inbox.body, '&lt;b&gt;x&lt;/b&gt;', 'the comment escaped')

  const remembered = String(en.headers['set-cookie'])
  t.match(remembered, /^bgw_lang=en; Path=\/acceptance;/, 'the choice is remembered')
  const again = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard', headers: { ...BROWSER, 'accept-language': 'nl', cookie: remembered.split(';')[0] as string } })
  t.match(again.body, /<html lang="en">/, 'the remembered choice beats the browser')
})

t.test('a bad query or an unknown page is an HTML page in the chosen language', async (t) => {
  const gw = await startGateway(t)
  for (const [query, lang, text] of [
    ['period=20x5', 'fr', 'Cette adresse contient un paramètre que la page ne comprend pas : period'],
    ['period=20x5&lang=nl', 'nl', 'Dit adres bevat een parameter die de pagina niet begrijpt: period'],
    ['colour=red&lang=en', 'en', 'This address has a parameter the page does not understand: colour'],
    ['lang=de', 'fr', 'ne comprend pas : lang'],
  ] as const) {
    const res = await gw.app.inject({ method: 'GET', url: `/acceptance/dashboard?${query}`, headers: auth(A.inspection) })
    t.equal(res.statusCode, 400, query)
    t.match(res.headers['content-type'], /^text\/html/, `${query}: HTML even for an API client (the path is a page)`)
    t.match(res.headers['content-security-policy'], /default-src 'none'/)
    t.match(res.body, `<html lang="${lang}">`)
    t.match(res.body, text)
    t.match(res.body, 'data-status="400"')
    t.match(res.body, 'href="/acceptance/dashboard?lang=nl"', 'the switch leads to the page without the refused query')
    t.notMatch(res.body, 'period=20x5', 'the refused query is not echoed')
  }
  const missing = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/no-such-page?lang=nl', headers: { accept: 'text/html' } })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /^text\/html/)
  t.match(missing.body, '<html lang="nl">')
  t.match(missing.body, 'Deze pagina bestaat niet.')
  t.match(missing.body, 'href="/acceptance/dashboard"', 'a way back')
  t.match(String(missing.headers['set-cookie']), /^bgw_lang=nl; Path=\/acceptance;/, 'the env comes from the path when no route matched')
  const api = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/no-such-page' })
  t.equal(api.statusCode, 404)
  t.equal(api.json().code, 'GW_ERR_NOT_FOUND', 'an API client keeps problem+json')
  const elsewhere = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/nothing', headers: { accept: 'text/html' } })
  t.equal(elsewhere.json().code, 'GW_ERR_NOT_FOUND', 'outside the pages: problem+json')
  const method = await gw.app.inject({ method: 'DELETE', url: '/acceptance/dashboard', headers: { accept: 'text/html' } })
  t.equal(method.statusCode, 405, 'a page path with another method stays 405')
})

t.test('a NISS typed into a page path or query never comes back in the page (links, switch, cookie)', async (t) => {
  const gw = await startGateway(t)
  const niss = '93051822361'
  for (const url of [
    `/acceptance/dashboard?period=${niss}`,
    `/acceptance/dashboard?${niss}=1&lang=nl`,
    `/${niss}/dashboard/pending`,
    `/acceptance/dashboard/cpas/${niss}`,
    `/acceptance/dashboard/${niss.split('').map((d) => `%3${d}`).join('')}`,
    `/acceptance/dashboard/follow-ups?status=${niss}`,
  ]) {
    const res = await gw.app.inject({ method: 'GET', url, headers: { ...auth(A.inspection), accept: 'text/html' } })
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: refused (${res.statusCode})`)
    t.match(res.headers['content-type'], /^text\/html/, `${url}: an HTML page`)
    t.notOk(res.body.includes(niss), `${url}: not in the page`)
    t.notOk(JSON.stringify(res.headers).includes(niss), `${url}: not in a header`)
  }
})

t.test('an environment without data, in Dutch', async (t) => {
  const gw = await startGateway(t)
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/dashboard?lang=nl', headers: auth(A.inspection) })
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Nog geen statistieken')
  t.match(res.body, 'npm run demo:data')
})

t.test('the default period: the latest with file counts', async (t) => {
  const point = (period: string, files: number) => ({ period, all: { files } as never })
  t.equal(defaultPeriod([point('2024', 10), point('2025', 5), point('2027', 0)]), '2025', 'a newer year without files does not take over')
  t.equal(defaultPeriod([point('2026', 0), point('2027', 0)]), '2027', 'no file counts at all: the latest with blinkers')
  t.equal(defaultPeriod([]), undefined)
})
