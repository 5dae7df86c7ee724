/**
 * The dashboard in a real headless browser (Debian's chromium, installed by
 * scripts/ensure-chromium.sh, driven by playwright-core): log in by name through the form, then check that
 * the SVG charts rendered with real sizes, the 5 % and 10 % lines are there, the number of bars and
 * points matches the statistics, and the screenshot is a real picture.
 * UPDATE_DASHBOARD_SCREENSHOT=1 loads the full 580-CPAS data set and writes docs/dashboard.png.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { inflateSync } from 'node:zlib'
import { chromium, type Browser } from 'playwright-core'
import t from 'tap'
import { histogramBins } from '../../src/dashboard/svg-charts.js'
import { loadDemoData } from '../../src/statistics/demo-data.js'
import { until } from '../helpers/blinkers.js'
import { A } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'

const ROOT = resolve(import.meta.dirname, '../..')
const FULL = process.env.UPDATE_DASHBOARD_SCREENSHOT === '1'

/** Distinct pixel values in a PNG's first rows (8-bit RGB/RGBA, filter bytes skipped): > 1 = not blank. */
function distinctPixels(png: Buffer): number {
  let p = 8
  const idat: Buffer[] = []
  let width = 0
  let channels = 4
  while (p < png.length) {
    const len = png.readUInt32BE(p)
    const type = png.toString('ascii', p + 4, p + 8)
    if (type === 'IHDR') {
      width = png.readUInt32BE(p + 8)
      channels = png[p + 17] === 2 ? 3 : 4
    }
    if (type === 'IDAT') idat.push(png.subarray(p + 8, p + 8 + len))
    p += 12 + len
  }
  const raw = inflateSync(Buffer.concat(idat))
  const seen = new Set<string>()
  const stride = width * channels + 1
  for (let row = 0; row < Math.min(400, raw.length / stride); row++) {
    // Unfiltered bytes are enough to tell a flat image from a drawing.
    for (let x = 1; x < stride; x += channels * 7) seen.add(raw.subarray(row * stride + x, row * stride + x + channels).toString('hex'))
  }
  return seen.size
}

t.test('the dashboard renders its charts in headless Chromium', async (t) => {
  execFileSync('sh', [resolve(ROOT, 'scripts/ensure-chromium.sh')], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000 })
  // The data set is published in this process: without the load-shedding guard (not under test).
  const gw = await startGateway(t, {}, { workers: true })
  const envCtx = gw.contexts.get('acceptance')
  if (!envCtx) throw new Error('no acceptance context')
  const parties = envCtx.parties.parties
  await loadDemoData(envCtx, parties.get('publisher') as never, parties.get('inspection') as never, {
    cpasLimit: FULL ? undefined : 150,
    trendYears: [
      [2014, 0.97, 1.22],
      [2015, 0.98, 1.1],
    ],
    feedbackShare: FULL ? 0.1 : 0.2,
  })
  // Forwarded feedback reaches the built-in inspection inbox (workers on, no INSPECTION_URL).
  await until(t, 'inbox items', async () => (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/inspection/inbox?limit=10', headers: auth(A.inspection) })).json().items.length >= 10, 30_000, 200)
  const stats = (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/statistics?period=2016', headers: auth(A.inspection) })).json()
  const rates = stats.cpas.filter((c: { rate: number | null }) => c.rate !== null).map((c: { rate: number }) => c.rate)
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })

  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  t.teardown(() => browser.close())
  // An English-speaking browser (Accept-Language: en-GB); the default language is French.
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, locale: 'en-GB' })
  const login = await page.goto(`${address}/acceptance/dashboard`)
  t.equal(login?.status(), 401, 'not logged in: the login form')
  await page.fill('input[name=name]', 'marie.dubois')
  await page.fill('input[name=password]', 'demo-acc-marie')
  await Promise.all([page.waitForURL(`${address}/acceptance/dashboard`), page.click('#login-form button[type=submit]')])
  t.match(await page.title(), /^Inspection dashboard/)
  t.notMatch(await page.content(), 'demo-acc-marie', 'the password is nowhere in the page')
  t.match(await page.content(), 'Marie Dubois', 'the page names the person logged in')
  const cookies = await page.context().cookies()
  t.match(cookies.filter((c) => c.name === 'bgw_session'), [{ name: 'bgw_session', httpOnly: true, sameSite: 'Strict', path: '/acceptance' }])

  for (const id of ['rate-histogram', 'flow-shares', 'trend']) {
    const box = await page.locator(`svg#${id}`).boundingBox()
    t.ok(box && box.width > 300 && box.height > 100, `${id} is drawn (${box?.width}×${box?.height})`)
  }
  const bars = page.locator('#rate-histogram rect.bar')
  t.equal(await bars.count(), histogramBins(rates).length, 'one bar per rate point, 0 to the highest rate')
  const heights = await bars.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height))
  t.ok(heights.filter((h) => h > 1).length >= 10, 'the bars have heights')
  for (const threshold of ['0.05', '0.1']) {
    const line = page.locator(`#rate-histogram g.threshold[data-threshold="${threshold}"] line`)
    const box = await line.boundingBox()
    t.ok(box && box.height > 100, `the ${Number(threshold) * 100} % line is drawn`)
  }
  t.equal(await page.locator('#trend circle.point').count(), 9, 'three periods × three series')
  t.equal(await page.locator('#flow-shares g.flow-share').count(), 8, 'one bar per flow')
  const unjustified = await page.locator('#flow-shares rect.unjustified').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 0).length)
  t.ok(unjustified >= 6, 'unjustified shares drawn')
  // The demo's decisions: accepted and refused cancellations per flow, as the statistics count them.
  const drawn = await page.locator('#flow-shares g.flow-share').evaluateAll((els) => els.map((e) => [e.getAttribute('data-flow'), Number(e.getAttribute('data-accepted')), Number(e.getAttribute('data-refused'))]))
  t.same(drawn, stats.feedback.perFlow.map((f: { flow: string; cancellationsAccepted: number; cancellationsRefused: number }) => [f.flow, f.cancellationsAccepted, f.cancellationsRefused]), 'decision bars: the statistics figures')
  const accepted = await page.locator('#flow-shares rect.accepted').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 0).length)
  t.ok(accepted >= 6, `accepted cancellations drawn (${accepted} flows)`)
  t.equal(await page.locator('#above10 tbody tr').count(), stats.above10.length, 'the inspection list')
  t.ok((await page.locator('#inbox tbody tr').count()) >= 10, 'the inspection inbox')
  t.match(await page.locator('#dead-letters').innerText(), /forward/)

  const png = await page.screenshot({ fullPage: false })
  t.ok(png.length > 30_000, `a real picture (${png.length} bytes)`)
  t.ok(distinctPixels(png) > 20, 'not a blank page')
  mkdirSync(resolve(ROOT, '.tap'), { recursive: true })
  writeFileSync(resolve(ROOT, '.tap/dashboard.png'), png)
  if (FULL) {
    mkdirSync(resolve(ROOT, 'docs'), { recursive: true })
    writeFileSync(resolve(ROOT, 'docs/dashboard.png'), png)
  }
})
