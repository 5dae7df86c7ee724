/**
 * The barometer page in a real browser (Debian's chromium via playwright-core, as
 * tests/pages/pages-browser.test.ts): in French, Dutch and English at 390 px wide, no horizontal
 * scroll and no axe-core violation on the table and the drill-down; score cells are coloured
 * (different backgrounds) and say their score in words; the cycle selector works without script.
 * axe is injected with CSP bypassed for the test only (the pages forbid every script).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'
import { loadControlledTraffic, recordPass } from './traffic.js'

const ROOT = resolve(import.meta.dirname, '../..')
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js')

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
  passes: unknown[]
}

async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  const result = (await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as AxeResult
  if (result.passes.length < 15) throw new Error(`axe checked only ${result.passes.length} rules`)
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

const sideScroll = (page: Page) => page.locator('html').evaluate((el) => el.scrollWidth)

t.test('the barometer page at 390 px, axe-clean, in fr, nl and en', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  await loadControlledTraffic(ctx)
  await recordPass(ctx, 'alpha')
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true })
  const page = await context.newPage()
  await page.goto(`${address}/acceptance/dashboard/login`)
  await page.fill('input[name=name]', 'marie.dubois')
  await page.fill('input[name=password]', 'demo-acc-marie')
  await Promise.all([page.waitForURL(/\/acceptance\/dashboard(\?.*)?$/), page.locator('button[type=submit]').first().click()])
  mkdirSync(resolve(ROOT, '.tap'), { recursive: true })

  const titles = { fr: 'Baromètre de qualité', nl: 'Kwaliteitsbarometer', en: 'Quality barometer' } as const
  for (const lang of ['fr', 'nl', 'en'] as const) {
    const res = await page.goto(`${address}/acceptance/dashboard/barometer?cycle=2024-2025&lang=${lang}`)
    t.equal(res?.status(), 200, `${lang}: the page`)
    t.equal(await page.getAttribute('html', 'lang'), lang)
    t.equal(await page.locator('h1').innerText(), titles[lang])
    t.equal(await page.locator('#barometer-table tbody tr').count(), 2, `${lang}: one row per party`)
    t.ok((await sideScroll(page)) <= 390, `${lang}: no horizontal scroll at 390 px`)
    t.same(await axe(page), [], `${lang}: axe finds nothing on the table`)

    await Promise.all([page.waitForURL(/party=alpha/), page.locator('#barometer-table a[href*="party=alpha"]').click()])
    t.equal(await page.locator('#drill table.drill-table').count(), 6, `${lang}: the drill-down, one table per domain`)
    t.equal(await page.locator('#drill tr[data-indicator="deliveryToFeedbackMedian"] td[data-score]').count(), 4, `${lang}: four evaluations`)
    t.ok((await sideScroll(page)) <= 390, `${lang}: drill-down without horizontal scroll`)
    t.same(await axe(page), [], `${lang}: axe finds nothing on the drill-down`)
    await page.screenshot({ path: resolve(ROOT, `.tap/barometer-390-${lang}.png`), fullPage: true })
  }

  const background = (score: string) => page.locator(`#barometer-table td[data-score="${score}"]`).first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)
  const good = await background('GOOD')
  const bad = await background('BAD')
  t.not(good, bad, `coloured by score (${good} / ${bad})`)
  t.match(await page.locator('#barometer-table td[data-score="BAD"]').first().innerText(), /Bad/, 'and written out')

  // The cycle selector: a plain GET form.
  await page.selectOption('select#cycle', '2016-2017')
  await Promise.all([page.waitForURL(/cycle=2016-2017/), page.locator('.barometer-form button[type=submit]').click()])
  t.equal(await page.locator('#cycle-info').getAttribute('data-cycle'), '2016-2017')
  t.same(await axe(page), [], 'axe finds nothing on another cycle')
})
