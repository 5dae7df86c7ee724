/**
 * The pages in a real browser (Debian's chromium via playwright-core): at 390 px wide nothing
 * scrolls sideways and the login button is on screen; axe-core finds no violation on the login
 * page and the dashboard in French, Dutch and English; the charts are as wide as their panel; the
 * language switch leads to the same page in the other language.
 * axe is injected with CSP bypassed for the test only (the pages forbid every script).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import t from 'tap'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const AXE = resolve(ROOT, 'node_modules/axe-core/axe.min.js')

interface AxeResult {
  violations: { id: string; impact: string; nodes: { target: string[] }[] }[]
  passes: unknown[]
}

/** axe's violations (rule, impact, first nodes); throws if axe did not really run. */
async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE })
  const result = (await page.evaluate(async () => (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run())) as AxeResult
  if (result.passes.length < 15) throw new Error(`axe checked only ${result.passes.length} rules`)
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)
}

const noSideScroll = (page: Page) => page.locator('html').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }))

t.test('390 px wide and axe-clean, in fr, nl and en', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  const gw = await startGateway(t)
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const parties = envCtx.parties.parties
  await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, { cpasLimit: 60, trendYears: [[2015, 0.98, 1.1]], feedbackShare: 0.2 })
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: true })
  const page = await context.newPage()

  for (const lang of ['fr', 'nl', 'en'] as const) {
    await context.clearCookies()
    const login = await page.goto(`${address}/acceptance/dashboard/login?lang=${lang}`)
    t.equal(login?.status(), 200, `${lang}: the login page`)
    t.equal(await page.getAttribute('html', 'lang'), lang)
    const size = await noSideScroll(page)
    t.ok(size.scroll <= 390, `${lang}: login page without horizontal scroll (${size.scroll} px)`)
    const button = await page.locator('button[type=submit]').first().boundingBox()
    t.ok(button && button.x >= 0 && button.x + button.width <= 390 && button.y + button.height <= 844, `${lang}: the login button is on screen`)
    t.same(await axe(page), [], `${lang}: axe finds nothing on the login page`)

    await page.fill('input[name=name]', 'marie.dubois')
    await page.fill('input[name=password]', 'demo-acc-marie')
    await Promise.all([page.waitForURL(/\/acceptance\/dashboard(\?.*)?$/), page.locator('button[type=submit]').first().click()])
    t.equal(await page.getAttribute('html', 'lang'), lang, `${lang}: the choice carries over to the dashboard`)
    const wide = await noSideScroll(page)
    t.ok(wide.scroll <= 390, `${lang}: dashboard without horizontal scroll at 390 px (${wide.scroll} px)`)
    t.ok(wide.client <= 390)
    for (const id of ['rate-histogram', 'trend', 'flow-shares']) {
      const [chart, panel] = await page.locator(`svg#${id}`).evaluate((svg) => [svg.getBoundingClientRect().width, svg.closest('section')?.clientWidth ?? 0])
      t.ok((chart as number) > 300 && (panel as number) - (chart as number) < 40, `${lang}: #${id} as wide as its panel (${chart} of ${panel})`)
    }
    t.ok((await page.locator('#trend text.value').count()) >= 6, `${lang}: values on the trend`)
    t.same(await axe(page), [], `${lang}: axe finds nothing on the dashboard`)
    mkdirSync(resolve(ROOT, '.tap'), { recursive: true })
    await page.screenshot({ path: resolve(ROOT, `.tap/dashboard-390-${lang}.png`), fullPage: true })
  }

  // The switch: the same page in Dutch, the choice remembered for the next page.
  await page.click('nav.langs a[hreflang=nl]')
  await page.waitForURL(/lang=nl/)
  t.equal(await page.getAttribute('html', 'lang'), 'nl')
  await page.goto(`${address}/acceptance/dashboard`)
  t.equal(await page.getAttribute('html', 'lang'), 'nl', 'remembered without ?lang=')
  const missing = await page.goto(`${address}/acceptance/dashboard/nowhere`)
  t.equal(missing?.status(), 404)
  t.match(await page.locator('main').innerText(), /Deze pagina bestaat niet/)
  t.same(await axe(page), [], 'axe finds nothing on an error page')

  // Wide screen: two columns, charts still fill their panels.
  await page.setViewportSize({ width: 1400, height: 900 })
  await page.goto(`${address}/acceptance/dashboard?lang=en`)
  const box = await page.locator('svg#trend').boundingBox()
  t.ok(box && box.width > 500, `wide screen: the trend is ${box?.width} px`)
  await page.screenshot({ path: resolve(ROOT, '.tap/dashboard-wide-en.png'), fullPage: true })
})
