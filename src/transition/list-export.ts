/**
 * The monthly list as a file: .xlsx (ExcelJS) with the blinkers on sheet "Blinkers" and the
 * feedback-code catalogue on sheet "Codes" (the `code` column offers those codes), or CSV.
 *
 * CSV choices (README): UTF-8 with a BOM and `;` as separator — what Excel in a Belgian locale
 * opens correctly by double-click; CRLF line ends; RFC 4180 quoting. A text cell starting with
 * = + - @ (or a tab / CR) gets a leading apostrophe so a spreadsheet never runs it as a formula
 * (CSV injection); amounts stay integer cents, so no decimal-separator question arises.
 */
import { loadExcel } from './excel.js'
import { loadCatalogue } from '../domain/feedback-codes.js'
import type { PublishedBlinker } from '../domain/model.js'
import { COLUMNS, TEXT_COLUMNS, toRow, type Column } from './transition-list.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const CSV_TYPE = 'text/csv; charset=utf-8'

export const BLINKERS_SHEET = 'Blinkers'

export async function toXlsx(blinkers: readonly PublishedBlinker[], title: string): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook()
  wb.creator = 'blinker-gateway'
  wb.title = title
  const sheet = wb.addWorksheet(BLINKERS_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = COLUMNS.map(([key, width]) => ({ header: key, key, width }))
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
      errorTitle: 'Feedback code',
      error: 'Choose a code of the "Codes" sheet',
    }
    for (const key of TEXT_COLUMNS) row.getCell(key).numFmt = '@'
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } }
  const codes = wb.addWorksheet('Codes')
  codes.columns = [
    { header: 'code', key: 'code', width: 6 },
    { header: 'kind', key: 'kind', width: 12 },
    { header: 'flows', key: 'flows', width: 40 },
    { header: 'comment required', key: 'comment', width: 10 },
    { header: 'fr', key: 'fr', width: 60 },
    { header: 'nl', key: 'nl', width: 60 },
    { header: 'en', key: 'en', width: 60 },
  ]
  codes.getRow(1).font = { bold: true }
  for (const c of catalogue.codes) {
    codes.addRow({ code: c.code, kind: c.kind, flows: c.flows === 'ALL' ? 'ALL' : c.flows.join(', '), comment: c.commentRequired ? 'yes' : '', ...c.labels })
  }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

function csvCell(value: string | number): string {
  let text = String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function toCsv(blinkers: readonly PublishedBlinker[]): string {
  const keys = COLUMNS.map(([key]) => key as Column)
  const lines = [keys.join(';'), ...blinkers.map((b) => {
    const row = toRow(b)
    return keys.map((k) => csvCell(row[k])).join(';')
  })]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}
