/**
 * A page's list as a file: CSV or .xlsx, one header row in the page's language.
 *
 * CSV as the transition lists (src/transition/list-export.ts, README): UTF-8 with a BOM and `;`
 * as separator (what Excel in a Belgian locale opens by double-click), CRLF, RFC 4180 quoting.
 * Any text cell starting with = + - @ (or a tab / CR) gets a leading apostrophe, in CSV and xlsx
 * alike, so a spreadsheet never runs a software house's comment as a formula.
 */
import { loadExcel } from '../transition/excel.js'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
export const CSV_TYPE = 'text/csv; charset=utf-8'

export type Cell = string | number | undefined

export interface ExportColumn<R> {
  /** The header, already in the page's language. */
  header: string
  value: (row: R) => Cell
  /** Column width in characters (xlsx); default 16. */
  width?: number
}

export interface ExportTable<R> {
  /** The worksheet's name (≤ 31 characters) and the file name's stem. */
  name: string
  columns: readonly ExportColumn<R>[]
  rows: readonly R[]
}

export type ExportFormat = 'csv' | 'xlsx'

/** Neutralises a text a spreadsheet would take for a formula. */
export function safeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

function csvCell(value: Cell): string {
  if (value === undefined) return ''
  if (typeof value === 'number') return String(value)
  const text = safeText(value)
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function tableToCsv<R>(table: ExportTable<R>): string {
  const lines = [table.columns.map((c) => csvCell(c.header)).join(';'), ...table.rows.map((r) => table.columns.map((c) => csvCell(c.value(r))).join(';'))]
  return `\uFEFF${lines.join('\r\n')}\r\n`
}

export async function tableToXlsx<R>(table: ExportTable<R>): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook()
  wb.creator = 'blinker-gateway'
  wb.title = table.name
  const sheet = wb.addWorksheet(table.name.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] })
  sheet.columns = table.columns.map((c, i) => ({ header: c.header, key: `c${i}`, width: c.width ?? 16 }))
  sheet.getRow(1).font = { bold: true }
  for (const r of table.rows) {
    const row: Record<string, string | number> = {}
    table.columns.forEach((c, i) => {
      const v = c.value(r)
      if (v !== undefined) row[`c${i}`] = typeof v === 'number' ? v : safeText(v)
    })
    sheet.addRow(row)
  }
  if (table.columns.length > 0) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: table.columns.length } }
  return Buffer.from(await wb.xlsx.writeBuffer())
}

/** The file and its headers: type and a download name. */
export async function exportFile<R>(table: ExportTable<R>, format: ExportFormat): Promise<{ body: string | Buffer; type: string; filename: string }> {
  if (format === 'csv') return { body: tableToCsv(table), type: CSV_TYPE, filename: `${table.name}.csv` }
  return { body: await tableToXlsx(table), type: XLSX_TYPE, filename: `${table.name}.xlsx` }
}
