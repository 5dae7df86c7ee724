/**
 * The monthly list as a file: .xlsx (ExcelJS) with the blinkers on sheet "Blinkers" and the
 * feedback-code catalogue on sheet "Codes" (the `code` column offers those codes), or CSV.
 *
 * CSV choices (README): UTF-8 with a BOM and `;` as separator — what Excel in a Belgian locale
 * opens correctly by double-click; CRLF line ends; RFC 4180 quoting. A text cell starting with
 * = + - @ (or a tab / CR) gets a leading apostrophe so a spreadsheet never runs it as a formula
 * (CSV injection); amounts stay integer cents, so no decimal-separator question arises.
 *
 * Headers, sheet name and the "Codes" sheet follow the chosen language (fr, nl, en); the values stay
 * language-neutral (flows, statuses, dates as the API gives them). The recap import recognises the
 * headers of all three languages and the column keys (column-names.ts).
 */
import { loadExcel } from './excel.js'
import { loadCatalogue } from '../domain/feedback-codes.js'
import type { PublishedBlinker } from '../domain/model.js'
import { DEFAULT_LANG, LANGS, t, type Lang } from '../i18n/index.js'
import { columnHeader } from './column-names.js'
import { COLUMNS, TEXT_COLUMNS, toRow, type Column } from './transition-list.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const CSV_TYPE = 'text/csv; charset=utf-8'

/** The blinkers sheet's name in English (the name before the lists spoke three languages). */
export const BLINKERS_SHEET = 'Blinkers'
/** The blinkers sheet's name in each language (the import looks for any of them). */
export const BLINKERS_SHEETS: readonly string[] = [...new Set([BLINKERS_SHEET, ...LANGS.map((l) => t(l, 'transition.sheet'))])]

/** `lang` (default fr): the language of the headers, sheet name and "Codes" sheet. */
export async function toXlsx(blinkers: readonly PublishedBlinker[], title: string, lang: Lang = DEFAULT_LANG): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook()
  wb.creator = 'blinker-gateway'
  wb.title = title
  const sheet = wb.addWorksheet(t(lang, 'transition.sheet'), { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = COLUMNS.map(([key, width]) => ({ header: columnHeader(lang, key), key, width: Math.max(width, columnHeader(lang, key).length + 2) }))
  sheet.getRow(1).font = { bold: true }
  const catalogue = loadCatalogue()
  const codeList = `"${catalogue.codes.map((c) => c.code).join(',')}"`
  for (const b of blinkers) {
    const row = sheet.addRow(toRow(b))
    row.getCell('code').dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [codeList],
      showErrorMessage: true,
      errorTitle: t(lang, 'transition.validation.title'),
      error: t(lang, 'transition.validation.error'),
    }
    for (const key of TEXT_COLUMNS) row.getCell(key).numFmt = '@'
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } }
  const codes = wb.addWorksheet('Codes')
  const C = (key: string, params?: Record<string, string>) => t(lang, `transition.codes.${key}`, params)
  codes.columns = [
    { header: C('code'), key: 'code', width: 6 },
    { header: C('kind'), key: 'kind', width: 24 },
    { header: C('flows'), key: 'flows', width: 40 },
    { header: C('commentRequired'), key: 'comment', width: 12 },
    ...LANGS.map((l) => ({ header: C('label', { lang: l }), key: l, width: 60 })),
  ]
  codes.getRow(1).font = { bold: true }
  for (const c of catalogue.codes) {
    codes.addRow({ code: c.code, kind: t(lang, `codes.kind.${c.kind}`), flows: c.flows === 'ALL' ? C('all') : c.flows.join(', '), comment: c.commentRequired ? C('yes') : '', ...c.labels })
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

function csvCell(value: string | number): string {
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** `lang` (default fr): the language of the header row. */
export function toCsv(blinkers: readonly PublishedBlinker[], lang: Lang = DEFAULT_LANG): string {
  const keys = COLUMNS.map(([key]) => key as Column)
  const lines = [keys.map((k) => csvCell(columnHeader(lang, k))).join(';'), ...blinkers.map((b) => {
    const row = toRow(b)
    return keys.map((k) => csvCell(row[k])).join(';')
  })]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
