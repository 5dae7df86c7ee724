/**
 * The CPAS directory page and the CPAS page: names from the directory in each language, search,
 * sorting, who serves it (software house or Excel lists), the trend from the statistics, blinkers
 * with status and age, feedback with the decisions, the follow-ups section; the exports (CSV
 * parses, xlsx opens with ExcelJS, headers in the language, formula injection neutralised).
 */
import t from 'tap'
import ExcelJS from 'exceljs'
import { BROWSER, FORM } from '../accounts/login-helpers.js'
import { CPAS } from '../helpers/blinkers.js'
import { A } from '../helpers/feedback.js'
import { auth, TOKENS } from '../helpers/gateway.js'
import { FORMULA_COMMENT, page, workspace, type Workspace } from './workspace-fixture.js'

const EXCEL_CPAS = '0200000043'

/** RFC 4180 with `;`: rows of cells (quotes doubled, separators and line ends inside quotes). */
function parseCsv(text: string): string[][] {
  t.equal(text.charCodeAt(0), 0xfeff, 'CSV starts with a BOM')
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const s = text.slice(1)
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ';') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

async function setup(t: Parameters<typeof workspace>[0]): Promise<Workspace> {
  const ws = await workspace(t)
  const pub = auth(TOKENS.acceptance.publisher)
  t.equal((await ws.gw.app.inject({ method: 'PUT', url: '/acceptance/v1/cpas', headers: pub, payload: { cpas: [{ kbo: CPAS.alpha1, nameFr: 'CPAS de Démoville', nameNl: 'OCMW Demostad' }, { kbo: EXCEL_CPAS, nameFr: 'CPAS de Tableur', nameNl: 'OCMW Rekenblad' }] } })).statusCode, 204)
  t.equal((await ws.gw.app.inject({ method: 'PUT', url: '/acceptance/v1/statistics/files', headers: pub, payload: { period: '2026', counts: [{ cpasKbo: CPAS.alpha1, regime: 'DIS', files: 40 }] } })).statusCode, 204)
  return ws
}

t.test('the directory: names per language, search, sort, Excel lists, exports', async (t) => {
  const ws = await setup(t)
  const fr = await page(ws, '/acceptance/dashboard/cpas?lang=fr')
  t.equal(fr.statusCode, 200)
  t.match(fr.body, /Répertoire des CPAS/)
  t.match(fr.body, new RegExp(`href="/acceptance/dashboard/cpas/${EXCEL_CPAS}">CPAS de Tableur</a></td><td>${EXCEL_CPAS}</td><td>Listes Excel`))
  t.match(fr.body, /CPAS de Démoville<\/a><\/td><td>0212344876<\/td><td>Alpha Software \(demo\)/)
  const nl = await page(ws, '/acceptance/dashboard/cpas?lang=nl')
  t.match(nl.body, /OCMW Demostad/, 'the Dutch name in Dutch')
  t.match(nl.body, /OCMW Rekenblad/)
  const names = (body: string) => [...body.matchAll(/<td><a href="\/acceptance\/dashboard\/cpas\/([0-9]{10})">/g)].map((m) => m[1])
  t.same(names((await page(ws, '/acceptance/dashboard/cpas?q=rekenblad&lang=fr')).body), [EXCEL_CPAS], 'search by a name in the other language')
  t.same(names((await page(ws, '/acceptance/dashboard/cpas?q=d%C3%A9mo')).body), [CPAS.alpha1], 'search ignoring case')
  t.same(names((await page(ws, '/acceptance/dashboard/cpas?q=0207.01')).body), [CPAS.beta], 'search by number')
  t.match((await page(ws, '/acceptance/dashboard/cpas?q=nothing-like-it')).body, /Aucun CPAS ne correspond/)
  const byKbo = names((await page(ws, '/acceptance/dashboard/cpas?sort=kbo')).body)
  t.same(byKbo, [...byKbo].sort(), 'sorted by number')
  t.same(names((await page(ws, '/acceptance/dashboard/cpas?sort=-kbo')).body), [...byKbo].reverse(), 'and descending')
  t.ok(names((await page(ws, '/acceptance/dashboard/cpas?sort=servedBy')).body).length === byKbo.length)
  t.match(fr.body, /aria-sort="ascending"/)
  for (const bad of ['sort=nope', 'q=%07', 'other=1']) t.equal((await page(ws, `/acceptance/dashboard/cpas?${bad}`)).statusCode, 400, bad)

  const csv = await page(ws, '/acceptance/dashboard/cpas.csv?lang=nl')
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /text\/csv/)
  t.match(csv.headers['content-disposition'], /attachment; filename="ocmw.csv"/)
  const rows = parseCsv(csv.body)
  t.same(rows[0], ['KBO-nummer', 'OCMW', 'Franse naam', 'Nederlandse naam', 'Bediend door'])
  t.ok(rows.some((r) => r[0] === EXCEL_CPAS && r[1] === 'OCMW Rekenblad' && r[4] === 'Excel-lijsten (geen softwarehuis aangesloten).'))
  const xlsx = await page(ws, '/acceptance/dashboard/cpas.xlsx?q=tableur&lang=en')
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0]
  t.equal(sheet?.getRow(1).getCell(1).value, 'KBO number')
  t.equal(sheet?.rowCount, 2, 'the search applies to the file')
})

t.test('the CPAS page: trend, blinkers, feedback with decisions, who serves it, follow-ups; languages', async (t) => {
  const ws = await setup(t)
  const [cancel, formula] = ws.alpha
  const decided = await ws.gw.app.inject({ method: 'POST', url: `/acceptance/dashboard/pending/${cancel?.messageId}/decision`, headers: { cookie: ws.cookie, ...FORM, ...BROWSER }, payload: new URLSearchParams({ decision: 'REFUSED', reason: 'payslips show work', csrf: ws.csrf }).toString() })
  t.equal(decided.statusCode, 303)

  const fr = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?lang=fr`)
  t.equal(fr.statusCode, 200)
  t.match(fr.body, /<h1>CPAS de Démoville \(0212344876\)<\/h1>/)
  t.match(fr.body, /Échange électronique par la maison de logiciels Alpha Software \(demo\)/)
  t.match(fr.body, /<th scope="row">2026<\/th><td class="num"><b>2,50\u00a0%<\/b><br><span class="muted">1 \/ 40<\/span>/, 'the DIS rate of 2026: one beneficiary (the fixtures share a NISS) / 40 files')
  t.match(fr.body, /id="follow-up-section"/, 'the follow-ups section of src/follow-up/')
  const blinkerRows = [...fr.body.matchAll(/<tr data-blinker-id="(CLI-[0-9-]+)">.*?<td class="status">([^<]+)<\/td>/g)].map((m) => [m[1], m[2]])
  t.equal(blinkerRows.length, 2, "the CPAS's blinkers")
  t.ok(blinkerRows.some(([id, status]) => id === ws.blinkerOf.get(cancel?.messageId as string) && status === 'Rouvert'), 'with their status in French')
  t.match(fr.body, new RegExp(`data-message-id="${cancel?.messageId}">.*marie.dubois.*payslips show work`), 'the decision: who and why')
  t.match(fr.body, /=HYPERLINK\(&quot;/, 'the comment, escaped')
  t.match(fr.body, new RegExp(`href="/acceptance/dashboard/cpas/${CPAS.alpha1}/blinkers.csv\\?lang=fr"`))
  const sortedIds = (body: string) => [...body.matchAll(/<tr data-blinker-id="(CLI-[0-9-]+)">/g)].map((m) => m[1])
  const up = sortedIds((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bsort=blinkerId`)).body)
  t.same(up, [...up].sort())
  t.same(sortedIds((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bsort=-blinkerId`)).body), [...up].reverse(), 'sortable both ways')
  for (const s of ['flow', 'status', 'age', 'periodStart', 'publishedAt']) t.equal((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bsort=${s}&fsort=-code`)).statusCode, 200, s)
  for (const s of ['blinkerId', 'status', 'softwareHouse', 'receivedAt']) t.equal((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?fsort=${s}`)).statusCode, 200, s)

  const nl = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?lang=nl`)
  t.match(nl.body, /<h1>OCMW Demostad \(0212344876\)<\/h1>/)
  t.match(nl.body, /2,50\u00a0%/)
  t.match(nl.body, /Heropend|Reopened/)
  const en = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?lang=en`)
  t.match(en.body, /2\.50%/)
  t.match(en.body, /Rate per year and regime/)

  const excel = await page(ws, `/acceptance/dashboard/cpas/${EXCEL_CPAS}?lang=nl`)
  t.match(excel.body, /Excel-lijsten/)
  t.match(excel.body, /Nog geen cijfers/)
  t.match(excel.body, /Geen knipperlichten/)
  t.equal((await page(ws, '/acceptance/dashboard/cpas/0212344877')).statusCode, 404, 'a bad checksum: 404 page')
  t.equal((await page(ws, '/acceptance/dashboard/cpas/12345')).statusCode, 400)
  t.equal((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bsort=nope`)).statusCode, 400)
  t.equal((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bafter=%25`)).statusCode, 400)

  // Paging: one row per page, the next link continues.
  const { cpasPageData } = await import('../../src/inspection/cpas-data.js')
  const ctx = ws.gw.contexts.get('acceptance')
  const inspection = ctx?.parties.parties.get('inspection')
  if (!ctx || !inspection) throw new Error('no context')
  const one = await cpasPageData(ctx, inspection, CPAS.alpha1, 'en', { limit: 1 })
  t.ok(one.blinkersNext && one.feedbackNext)
  const second = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}?bafter=${one.blinkersNext}&fafter=${one.feedbackNext}&lang=en`)
  t.equal(second.statusCode, 200)
  t.match(second.body, /First page/)
  t.notOk(formula === undefined)
})

t.test('exports of a CPAS: CSV and xlsx, headers in the language, formulas neutralised; roles', async (t) => {
  const ws = await setup(t)
  const csv = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}/feedback.csv?lang=fr`)
  t.equal(csv.statusCode, 200)
  const rows = parseCsv(csv.body)
  t.same(rows[0]?.slice(0, 5), ['Reçu le', 'Message', 'Clignotant', 'Flux', 'Code'])
  t.equal(rows.length, 3, 'header and two messages')
  const comment = rows.find((r) => r.includes(`'${FORMULA_COMMENT}`))
  t.ok(comment, 'the formula-like comment got a leading apostrophe (and its quotes survived)')
  t.notOk(rows.flat().some((c) => /^[=+\-@]/.test(c)), 'no cell starts a formula')

  const xlsx = await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}/feedback.xlsx?lang=nl`)
  t.equal(xlsx.statusCode, 200)
  t.match(xlsx.headers['content-type'], /spreadsheetml/)
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0]
  t.equal(sheet?.getRow(1).getCell(1).value, 'Ontvangen op')
  const cells: unknown[] = []
  sheet?.eachRow((row) => row.eachCell((c) => cells.push(c.value)))
  t.ok(cells.includes(`'${FORMULA_COMMENT}`), 'xlsx: the same apostrophe, a text cell')
  t.notOk(cells.some((v) => typeof v === 'object' && v !== null && 'formula' in v), 'no formula cell')

  const blinkers = parseCsv((await page(ws, `/acceptance/dashboard/cpas/${CPAS.alpha1}/blinkers.csv?lang=en`)).body)
  t.same(blinkers[0], ['Blinker', 'Flow', 'Regime', 'Status', 'Published', 'Age (days)', 'Form period'])
  t.equal(blinkers.length, 3)
  const bx = await page(ws, `/acceptance/dashboard/cpas/${CPAS.beta}/blinkers.xlsx?lang=fr`)
  const wb2 = new ExcelJS.Workbook()
  await wb2.xlsx.load(bx.rawPayload as unknown as ArrayBuffer)
  t.equal(wb2.worksheets[0]?.getRow(1).getCell(1).value, 'Clignotant')
  t.equal(wb2.worksheets[0]?.rowCount, 2)

  const pending = parseCsv((await page(ws, '/acceptance/dashboard/pending.csv?softwareHouse=alpha&lang=nl')).body)
  t.same(pending[0]?.slice(0, 4), ['Ontvangen op', 'Leeftijd (dagen)', 'KBO-nummer', 'OCMW'])
  t.equal(pending.length, 3, 'the filters apply to the file')
  t.ok(pending.slice(1).every((r) => r[3] === 'OCMW Demostad'))
  const px = await page(ws, '/acceptance/dashboard/pending.xlsx?lang=en')
  const wb3 = new ExcelJS.Workbook()
  await wb3.xlsx.load(px.rawPayload as unknown as ArrayBuffer)
  t.equal(wb3.worksheets[0]?.name, 'pending')
  t.equal(wb3.worksheets[0]?.rowCount, 4)
  t.equal((await page(ws, '/acceptance/dashboard/pending.csv?flow=NOPE')).statusCode, 400)
  t.equal((await page(ws, '/acceptance/dashboard/cpas/0212344877/feedback.csv')).statusCode, 404)
  t.equal((await page(ws, '/acceptance/dashboard/cpas/0212344877/blinkers.xlsx')).statusCode, 404)

  // API clients with the inspection token may download too; a software house may not.
  const api = await ws.gw.app.inject({ method: 'GET', url: `/acceptance/dashboard/cpas/${CPAS.alpha1}/blinkers.csv`, headers: auth(A.inspection) })
  t.equal(api.statusCode, 200)
  const sh = await ws.gw.app.inject({ method: 'GET', url: `/acceptance/dashboard/cpas/${CPAS.alpha1}`, headers: { ...auth(A.alpha), ...BROWSER } })
  t.equal(sh.statusCode, 403)
  t.match(sh.headers['content-type'], /text\/html/)
  const anon = await ws.gw.app.inject({ method: 'GET', url: '/acceptance/dashboard/pending.csv' })
  t.equal(anon.statusCode, 401)
})
