/**
 * The transition list speaks the chosen language (headers, sheet, "Codes" sheet) and the recap
 * import reads a list whose headers are French, Dutch, English, the old column keys, or retyped
 * with other case and accents.
 */
import ExcelJS from 'exceljs'
import t from 'tap'
import { LANGS } from '../../src/i18n/index.js'
import { columnHeader, columnKey, normalizeHeader } from '../../src/transition/column-names.js'
import { BLINKERS_SHEETS, toCsv, XLSX_TYPE } from '../../src/transition/list-export.js'
import { COLUMNS } from '../../src/transition/transition-list.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const month = new Date().toISOString().slice(0, 7)

async function download(gw: TestGateway, query: string, headers: Record<string, string> = {}) {
  return gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/transition-list?month=${month}&${query}`, headers: { ...auth(A.inspection), ...headers } })
}

async function load(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(body as unknown as ArrayBuffer)
  return wb
}

const headers = (sheet: ExcelJS.Worksheet): string[] => (sheet.getRow(1).values as unknown[]).slice(1).map(String)

t.test('column names: every column named in every language, none shared', async (t) => {
  for (const [key] of COLUMNS) {
    t.equal(columnKey(key), key, `${key} by its key`)
    for (const lang of LANGS) t.equal(columnKey(columnHeader(lang, key)), key, `${key} in ${lang}`)
  }
  t.equal(columnKey('  id   CLIGNOTANT '), 'blinkerId', 'case and spaces')
  t.equal(columnKey('debut de la periode du constat'), 'findingPeriodStart', 'accents dropped')
  t.equal(columnKey('COMMENTAAR'), 'comment')
  t.equal(columnKey('nothing like it'), undefined)
  t.equal(normalizeHeader('Référence_du  Formulaire'), 'reference du formulaire')
  t.same(BLINKERS_SHEETS, ['Blinkers', 'Clignotants', 'Knipperlichten'])
  t.ok(toCsv([], 'nl').startsWith('\uFEFFID knipperlicht;KBO van het OCMW;Stelsel;'))
  t.ok(toCsv([]).startsWith('\uFEFFID clignotant;'), 'French by default')
})

t.test('the export follows the chosen language; the import reads all three', async (t) => {
  const gw = await startGateway(t)
  const pension = await published(t, gw, CPAS.alpha1, { flow: 'PENSION' })
  const unemployment = await published(t, gw, CPAS.alpha1, { flow: 'UNEMPLOYMENT' })
  const family = await published(t, gw, CPAS.alpha1, { flow: 'FAMILY_ALLOWANCES' })

  const nl = await download(gw, 'lang=nl')
  t.equal(nl.statusCode, 200)
  t.equal(nl.headers['content-language'], 'nl')
  const nlBook = await load(nl.rawPayload)
  const nlSheet = nlBook.getWorksheet('Knipperlichten') as ExcelJS.Worksheet
  t.ok(nlSheet, 'the sheet is named in Dutch')
  t.same(headers(nlSheet).slice(0, 3), ['ID knipperlicht', 'KBO van het OCMW', 'Stelsel'])
  const codes = nlBook.getWorksheet('Codes') as ExcelJS.Worksheet
  t.same(headers(codes), ['Code', 'Soort', 'Stromen', 'Commentaar verplicht', 'Omschrijving (fr)', 'Omschrijving (nl)', 'Omschrijving (en)'])
  t.match(String(codes.getRow(2).getCell(2).value), /^(Terecht|Onterecht)/, 'the kind in Dutch')

  const en = await download(gw, 'format=csv', { 'accept-language': 'en-GB,en;q=0.9' })
  t.ok(en.body.startsWith('\uFEFFBlinker ID;CPAS KBO;Regime;'), 'Accept-Language when no lang is asked')
  t.equal(en.headers['content-language'], 'en')
  t.equal((await download(gw, 'lang=de')).statusCode, 400, 'an unknown language is a bad parameter')

  // Three workbooks returned with headers in French, Dutch and English: each row is read.
  const rows: [string, { blinkerId: string }, string][] = [
    ['fr', pension, 'Clignotants'],
    ['nl', unemployment, 'Knipperlichten'],
    ['en', family, 'Blinkers'],
  ]
  for (const [lang, blinker, sheetName] of rows) {
    const wb = new ExcelJS.Workbook()
    const sheet = wb.addWorksheet('Other')
    sheet.addRow(['x'])
    const list = wb.addWorksheet(sheetName)
    const names = (['comment', 'code', 'cpasKbo', 'blinkerId'] as const).map((k) => columnHeader(lang as 'fr', k).toUpperCase())
    list.addRow(names)
    list.addRow(['', 1, CPAS.alpha1, blinker.blinkerId])
    const res = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/transition/recap', headers: { ...auth(A.inspection), 'content-type': XLSX_TYPE }, payload: Buffer.from(await wb.xlsx.writeBuffer()) })
    t.equal(res.statusCode, 200, `${lang}: imported`)
    t.match(res.json(), { accepted: 1, rejected: 0, rows: [{ row: 2, blinkerId: blinker.blinkerId, result: 'accepted' }] }, `${lang} headers, ${sheetName} sheet found among others`)
  }
  // The old column keys still work (lists exported before the translation).
  const legacy = new ExcelJS.Workbook()
  const old = legacy.addWorksheet('Blinkers')
  old.addRow(['blinkerId', 'cpasKbo', 'code'])
  old.addRow([pension.blinkerId, CPAS.alpha1, 1])
  const again = await gw.app.inject({ method: 'POST', url: '/acceptance/v1/transition/recap', headers: { ...auth(A.inspection), 'content-type': XLSX_TYPE }, payload: Buffer.from(await legacy.xlsx.writeBuffer()) })
  t.match(again.json(), { duplicates: 1 }, 'the key headers name the same columns: the same row is a duplicate')
})
