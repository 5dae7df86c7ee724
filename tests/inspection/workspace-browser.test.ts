/**
 * The inspector's workspace in a real headless browser (Debian's chromium via playwright-core):
 * an inspector logs in by name through the form, filters the pending list with the filter form,
 * accepts one cancellation and refuses another (no script: plain forms, CSP strict); the blinkers
 * read CLOSED / REOPENED with the inspector in their history — in French (Marie) and in Dutch
 * (Jan). At 390 px no page scrolls sideways; axe-core finds no violation on any workspace page.
 * UPDATE_WORKSPACE_SCREENSHOTS=1 also writes docs/inspection-pending-fr.png and docs/inspection-cpas-nl.png.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import type { Feedback } from '../../src/domain/model.js'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { demoCpasNames } from '../../src/cpas/demo-names.js'
import { putCpasDirectory } from '../../src/cpas/cpas-directory.js'
import { CPAS, until } from '../helpers/blinkers.js'
import { A, blinkerState, feedbackFor, getStatus, postFeedback, published } from '../helpers/feedback.js'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const SHOTS = process.env.UPDATE_WORKSPACE_SCREENSHOTS === '1'
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js')

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  const result = (await page.evaluate(() => (globalThis as unknown as { axe: { run: () => Promise<unknown> } }).axe.run())) as { violations: { id: string; nodes: { target: string[] }[] }[] }
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
}

type Root = { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
const sideways = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as Root).document.documentElement
    return root.scrollWidth - root.clientWidth
  })

t.test('inspectors decide from the page in French and in Dutch; 390 px; axe', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t, {}, { workers: true })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  if (SHOTS) {
    const parties = ctx.parties.parties
    await loadDemoData(ctx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: 40, trendYears: [[2014, 0.97, 1.22], [2015, 0.98, 1.1]] })
  }
  await putCpasDirectory(ctx, { cpas: demoCpasNames([{ kbo: CPAS.alpha1, name: 'CPAS de Démoville' }, { kbo: CPAS.alpha2, name: 'OCMW Voorbeeldstad' }, { kbo: CPAS.beta, name: 'CPAS de Testbourg' }]) })
  const blinkerOf = new Map<string, string>()
  const send = async (token: string, kbo: string, f: Partial<Feedback>, flow?: 'PENSION') => {
    const b = await published(t, gw, kbo, flow ? { flow, finding: { periodStart: '2026-01-01', amountCents: 80000, description: 'pension paid in January' } } : {})
    const msg = feedbackFor(b, f)
    t.equal((await postFeedback(gw, token, msg)).statusCode, 202)
    blinkerOf.set(msg.messageId, b.blinkerId)
    return msg
  }
  // Marie (FR) works on Alpha Software's messages, Jan (NL) on the pension flow of Beta.
  const alpha = [await send(A.alpha, CPAS.alpha1, { code: 131 }), await send(A.alpha, CPAS.alpha2, { code: 140, comment: 'contrat article 60 terminé le 13' })]
  const beta = [await send(A.beta, CPAS.beta, { code: 150 }, 'PENSION'), await send(A.beta, CPAS.beta, { code: 150, comment: 'pensioen pas vanaf maart' }, 'PENSION')]
  for (const m of [...alpha, ...beta]) await until(t, 'forwarded', async () => (await getStatus(gw, A.inspection, m.messageId)).json().status === 'FORWARDED')
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())

  const flows = [
    { lang: 'fr', person: 'marie.dubois', password: 'demo-acc-marie', filter: async (p: Page) => p.selectOption('#f-sh', 'alpha'), mine: alpha, accept: 'Accepter', refuse: 'Refuser', done: /le clignotant CLI-[0-9-]+ est maintenant « Clôturé »|maintenant/, title: /Décisions en attente/ },
    { lang: 'nl', person: 'jan.peeters', password: 'demo-acc-jan', filter: async (p: Page) => p.selectOption('#f-flow', 'PENSION'), mine: beta, accept: 'Aanvaarden', refuse: 'Weigeren', done: /knipperlicht CLI-[0-9-]+ is nu/, title: /Openstaande beslissingen/ },
  ] as const
  for (const f of flows) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: f.lang === 'fr' ? 'fr-BE' : 'nl-BE' })
    const page = await context.newPage()
    const first = await page.goto(`${address}/acceptance/dashboard/pending?lang=${f.lang}`)
    t.equal(first?.status(), 401, `${f.lang}: not logged in, the login form`)
    await page.fill('#login-name', f.person)
    await page.fill('#login-password', f.password)
    await Promise.all([page.waitForURL(/\/acceptance\/dashboard\/pending/), page.click('#login-form button[type=submit]')])
    t.match(await page.title(), f.title, `${f.lang}: the pending list after login`)
    t.equal(await page.getAttribute('html', 'lang'), f.lang)
    if (SHOTS && f.lang === 'fr') await page.screenshot({ path: resolve(ROOT, 'docs/inspection-pending-fr.png'), fullPage: true })
    await f.filter(page)
    await Promise.all([page.waitForURL(/(softwareHouse=alpha|flow=PENSION)/), page.click('#filters button[type=submit]')])
    const listed = await page.$$eval('section.pending-item', (els) => els.map((e) => e.getAttribute('data-message-id')))
    t.same(listed, f.mine.map((m) => m.messageId), `${f.lang}: the filter keeps this inspector's messages, oldest first`)
    const [toAccept, toRefuse] = f.mine as unknown as readonly [Feedback, Feedback]
    // Accept the first: a plain form post, 303 back to the filtered list with a notice.
    await Promise.all([page.waitForURL(/notice=done/), page.click(`#m-${toAccept.messageId} button[value=ACCEPTED]`)])
    t.match(await page.textContent('#notice'), f.done, `${f.lang}: the notice`)
    t.match(page.url(), /(softwareHouse=alpha|flow=PENSION)/, `${f.lang}: still filtered`)
    await page.fill(`#r-${toRefuse.messageId}`, f.lang === 'fr' ? 'les fiches de paie montrent un travail' : 'het pensioen loopt sinds januari')
    await Promise.all([page.waitForURL(/notice=done/), page.click(`#m-${toRefuse.messageId} button[value=REFUSED]`)])
    t.same(await page.$$eval('section.pending-item', (els) => els.length), 0, `${f.lang}: nothing left pending for the filter`)
    await page.reload()
    t.equal(await page.$$eval('section.pending-item', (els) => els.length), 0, `${f.lang}: a reload decides nothing`)
    const closed = await blinkerState(gw, blinkerOf.get(toAccept.messageId) as string)
    t.equal(closed.status, 'CLOSED', `${f.lang}: accepted → CLOSED`)
    t.match(closed.history.at(-1), { status: 'CLOSED', by: f.person })
    const reopened = await blinkerState(gw, blinkerOf.get(toRefuse.messageId) as string)
    t.equal(reopened.status, 'REOPENED', `${f.lang}: refused → REOPENED`)
    t.match(reopened.history.at(-1), { status: 'REOPENED', by: f.person })

    // The CPAS page of the refused message shows the decision and who took it.
    const kbo = toRefuse.cpasKbo
    await page.goto(`${address}/acceptance/dashboard/cpas/${kbo}?lang=${f.lang}`)
    t.match(await page.textContent(`tr[data-message-id="${toRefuse.messageId}"]`), new RegExp(f.person.replace('.', '\\.')), `${f.lang}: the CPAS page shows who decided`)

    // Every workspace page: no sideways scroll at 390 px.
    await page.setViewportSize({ width: 390, height: 844 })
    for (const path of ['/dashboard/pending', '/dashboard/cpas', `/dashboard/cpas/${kbo}`]) {
      await page.goto(`${address}/acceptance${path}?lang=${f.lang}`)
      t.ok((await sideways(page)) <= 0, `${f.lang} ${path}: no horizontal scroll at 390 px`)
    }
    if (SHOTS) {
      await page.setViewportSize({ width: 1280, height: 900 })
      if (f.lang === 'nl') {
        await page.goto(`${address}/acceptance/dashboard/cpas/${CPAS.alpha1}?lang=nl`)
        await page.screenshot({ path: resolve(ROOT, 'docs/inspection-cpas-nl.png'), fullPage: true })
      }
    }
    // axe-core in a context that lets its script in (the pages' CSP allows none), same session cookie.
    const cookies = await context.cookies()
    const axeContext = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } })
    await axeContext.addCookies(cookies)
    const axePage = await axeContext.newPage()
    for (const path of ['/dashboard/pending', '/dashboard/pending?flow=PENSION', '/dashboard/cpas', `/dashboard/cpas/${kbo}`, `/dashboard/cpas/${CPAS.alpha1}?bsort=-status`, '/dashboard/pending?flow=NOPE']) {
      await axePage.goto(`${address}/acceptance${path}${path.includes('?') ? '&' : '?'}lang=${f.lang}`)
      t.same(await axeViolations(axePage), [], `${f.lang} ${path}: axe finds no violation`)
    }
    await axeContext.close()
    await context.close()
  }
  // A message that is still pending, as the first page of the demo showed it.
  t.equal((await getStatus(gw, A.inspection, (alpha[0] as Feedback).messageId)).json().status, 'ACCEPTED')
})
