/**
 * The follow-up pages in a real headless browser (Debian's chromium via playwright-core), as an
 * inspector works them: log in through the form, open a follow-up from the "above 10 %" list, record
 * an on-site visit and an improvement action, move the status to "plan agreed" — plain forms, no
 * script, CSP strict — and find every change in the history with the inspector's name; in French
 * (Marie) and in Dutch (Jan). At 390 px no follow-up page scrolls sideways; axe-core finds no
 * violation on the list or the detail page.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { CPAS } from '../helpers/blinkers.js'
import { startGateway } from '../helpers/gateway.js'
import { get, rateFor } from './helpers.js'

const ROOT = resolve(import.meta.dirname, '../..')
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js')

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as { violations: { id: string; nodes: { target: string[] }[] }[] }
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

type Box = { getBoundingClientRect: () => { right: number }; tagName: string; className: unknown; id: string }
type Root = { document: { documentElement: { scrollWidth: number; clientWidth: number }; querySelectorAll: (s: string) => Box[] } }
const sideways = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as Root).document.documentElement
    return root.scrollWidth - root.clientWidth
  })
/** The elements that stick out on the right (what the message of a failed width check names). */
const protruding = (page: Page) =>
  page.evaluate(() => {
    const doc = (globalThis as unknown as Root).document
    const width = doc.documentElement.clientWidth
    return Array.from(doc.querySelectorAll('body *'))
      .filter((e) => e.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${String(e.className)}`)
  })

t.test('inspectors open and work a follow-up in French and in Dutch; 390 px; axe', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t)
  // 2016: alpha2 at 12 % and beta at 16 % (both above 10 %, flagged); alpha2 was at 15 % in 2015.
  await rateFor(t, gw, CPAS.alpha2, 2015, { DIS: 80, LAW_1965: 20 }, 15)
  await rateFor(t, gw, CPAS.alpha2, 2016, { DIS: 80, LAW_1965: 20 }, 12)
  await rateFor(t, gw, CPAS.beta, 2016, { DIS: 50, LAW_1965: 0 }, 8)
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())

  const people = [
    { lang: 'fr', id: 'marie.dubois', name: 'Marie Dubois', password: 'demo-acc-marie', kbo: CPAS.alpha2, rate: 12 / 100, title: /Suivis des CPAS/, finding: 'FORM_B_PARTNER_INCOME_MISSING', action: 'Compléter le formulaire B avec les revenus du partenaire', status: 'Plan convenu' },
    { lang: 'nl', id: 'jan.peeters', name: 'Jan Peeters', password: 'demo-acc-jan', kbo: CPAS.beta, rate: 8 / 50, title: /Opvolging van de OCMW/, finding: 'ISP_EXEMPTION_NOT_DECLARED', action: 'De GPMI-vrijstelling op formulier B aangeven', status: 'Plan afgesproken' },
  ] as const
  for (const p of people) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: p.lang === 'fr' ? 'fr-BE' : 'nl-BE' })
    const page = await context.newPage()
    const first = await page.goto(`${address}/acceptance/dashboard/follow-ups?lang=${p.lang}`)
    t.equal(first?.status(), 401, `${p.lang}: not logged in, the login form`)
    await page.fill('#login-name', p.id)
    await page.fill('#login-password', p.password)
    await Promise.all([page.waitForURL(/\/acceptance\/dashboard\/follow-ups/), page.click('#login-form button[type=submit]')])
    t.match(await page.title(), p.title, `${p.lang}: the follow-up list after login`)
    t.equal(await page.getAttribute('html', 'lang'), p.lang)

    // Open it from the "above 10 %" list: a plain form post, 303 to the new follow-up.
    const row = page.locator(`#flagged tr[data-kbo="${p.kbo}"]`)
    t.equal(await row.count(), 1, `${p.lang}: ${p.kbo} is flagged`)
    await Promise.all([page.waitForURL(/\/follow-ups\/FU-\d{6}\?notice=opened/), row.locator('form.open-follow-up button[type=submit]').click()])
    const id = /FU-\d{6}/.exec(page.url())?.[0] as string
    t.equal(await page.getAttribute('#status', 'data-status'), 'OPEN')
    // Opened for the latest period (2016): its trajectory starts there, at the rate of the list.
    const points = await page.$$eval('svg.trajectory circle.traj-point', (els) => els.map((e) => [e.getAttribute('data-period'), e.getAttribute('data-rate')]))
    t.same(points, [['2016', p.rate.toFixed(6)]], `${p.lang}: the trajectory from 2016`)
    t.equal(await page.getAttribute('#target', 'data-target-met'), 'false', `${p.lang}: above 5 %, target not met`)

    // An on-site visit: the inspector field is prefilled with the person's name.
    t.equal(await page.inputValue('form.add-visit input[name=inspector]'), p.name)
    await page.fill('form.add-visit input[name=date]', '2017-02-03')
    await page.check(`form.add-visit input[name=findings][value=${p.finding}]`)
    await page.fill('form.add-visit textarea[name=notes]', p.lang === 'fr' ? 'Vingt dossiers examinés' : 'Twintig dossiers bekeken')
    await Promise.all([page.waitForURL(/notice=visit/), page.click('form.add-visit button[type=submit]')])
    t.equal(await page.locator('#visits li').count(), 1, `${p.lang}: the visit is listed`)

    // An action of the improvement plan, then the move to PLAN_AGREED.
    await page.fill('form.add-action input[name=text]', p.action)
    await page.fill('form.add-action input[name=owner]', p.lang === 'fr' ? 'Service social' : 'Sociale dienst')
    await page.fill('form.add-action input[name=dueDate]', '2017-06-30')
    await Promise.all([page.waitForURL(/notice=action/), page.click('form.add-action button[type=submit]')])
    t.match(await page.textContent('#actions'), p.action)
    await Promise.all([page.waitForURL(/notice=status/), page.click('form.move-status button[type=submit]')])
    t.equal(await page.getAttribute('#status', 'data-status'), 'PLAN_AGREED')
    t.match(await page.textContent('#status [aria-current="step"]'), p.status)
    await page.reload()
    t.equal(await page.getAttribute('#status', 'data-status'), 'PLAN_AGREED', `${p.lang}: a reload changes nothing`)

    // History: four changes, each with the inspector's name; the API agrees.
    const history = await page.$$eval('#history li', (els) => els.map((e) => e.textContent ?? ''))
    t.equal(history.length, 4, `${p.lang}: opened, visit, action, status`)
    for (const h of history) t.match(h, `${p.name} · ${p.id}`, `${p.lang}: ${h.replace(/\s+/g, ' ').slice(0, 80)}`)
    const api = (await get(gw, `/v1/cpas/${p.kbo}/follow-ups/${id}`)).json()
    t.match(api, { status: 'PLAN_AGREED', openedBy: p.id, visits: [{ date: '2017-02-03', inspector: p.name, findings: [p.finding] }], actions: [{ text: p.action, dueDate: '2017-06-30', done: false }] })
    t.ok(api.history.every((h: { by: string; byName: string }) => h.by === p.id && h.byName === p.name), `${p.lang}: by and byName on every change`)

    // No page of the follow-ups scrolls sideways at 390 px.
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of ['/dashboard/follow-ups', `/dashboard/follow-ups/${id}`, '/dashboard/follow-ups?status=PLAN_AGREED']) {
      await page.goto(`${address}/acceptance${path}${path.includes('?') ? '&' : '?'}lang=${p.lang}`)
      t.ok((await sideways(page)) <= 0, `${p.lang} ${path}: no horizontal scroll at 390 px`, { wide: await protruding(page) })
    }
    // axe-core in a context that lets its script in (the pages' CSP allows none), same session cookie.
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } })
    await axeContext.addCookies(await context.cookies())
    const axePage = await axeContext.newPage()
    for (const path of ['/dashboard/follow-ups', `/dashboard/follow-ups/${id}`, `/dashboard/follow-ups/${id}?error=GW_ERR_BUSINESS_RULE`, '/dashboard']) {
      await axePage.goto(`${address}/acceptance${path}${path.includes('?') ? '&' : '?'}lang=${p.lang}`)
      t.same(await axeViolations(axePage), [], `${p.lang} ${path}: axe finds no violation`)
    }
    await axeContext.close()
    await context.close()
  }
  // Both follow-ups are there, neither CPAS is flagged any more.
  const all = (await get(gw, '/v1/follow-ups?status=PLAN_AGREED')).json().items.map((i: { cpasKbo: string }) => i.cpasKbo)
  t.same(all.sort(), [CPAS.alpha2, CPAS.beta].sort())
})
