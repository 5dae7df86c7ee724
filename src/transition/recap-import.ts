/**
 * Importing a semiannual recap list (.xlsx with a feedback code per blinker), for CPAS whose
 * software house is not connected yet. The inspection imports it on the CPAS's behalf (the old
 * process: the CPAS mails the list to the inspection). Each row with a code becomes a Feedback that
 * goes through the SAME service as POST /v1/feedback (schema, catalogue, comment rule, the
 * blinker's CPAS and flow, not CLOSED, one Lua step, forwarding), with the importing party as
 * sender. Its messageId is derived from blinkerId + code + comment (message-id.ts), so the same row
 * imported again — same file or another — is a duplicate and nothing is applied twice.
 *
 * The sheet: "Blinkers" / "Clignotants" / "Knipperlichten" (else the first sheet), header row 1
 * naming the columns as the export does, in any of the three languages or by column key;
 * `blinkerId`, `cpasKbo` and `code` are required, `comment` optional, other columns ignored.
 * A row without a code is `skipped` (no feedback yet).
 */
import type ExcelJS from 'exceljs'
import { loadExcel } from './excel.js'
import type { EnvContext } from '../context.js'
import type { Feedback, Receipt } from '../domain/model.js'
import { GatewayError, type ErrorCode } from '../errors.js'
import type { Party } from '../parties/parties.js'
import { MAX_FEEDBACK_BATCH, submitFeedbackBatch } from '../services/feedback-service.js'
import { getFeedback } from '../store/feedback-store.js'
import { keys } from '../store/keys.js'
import { rowMessageId } from './message-id.js'
import { columnKey } from './column-names.js'
import { BLINKERS_SHEETS } from './list-export.js'
import { checkZip } from './zip-guard.js'
import { maskNissText } from '../security/niss-scrub.js'
import { countRecapRows, recapRowCounts } from '../barometer/counters-points.js'

export interface RowError {
  path?: string
  message: string
  code: ErrorCode
}

export interface RowReport {
  row: number
  blinkerId?: string
  result: 'accepted' | 'duplicate' | 'rejected' | 'skipped'
  messageId?: string
  receipt?: Receipt
  errors: RowError[]
}

export interface ImportReport {
  accepted: number
  duplicates: number
  rejected: number
  skipped: number
  rows: RowReport[]
}

/** Most data rows in one import (a semester of the largest CPAS is a few thousand). */
export const MAX_IMPORT_ROWS = 20_000
const REQUIRED = ['blinkerId', 'cpasKbo', 'code'] as const

/** The text of a cell whatever ExcelJS made of it (number, rich text, formula result, hyperlink). */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('').trim()
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue)
    if ('text' in value) return String(value.text).trim()
  }
  return ''
}

interface ParsedRow {
  row: number
  blinkerId: string
  feedback?: Feedback
}

// An enterprise number typed as a number loses its leading 0: give it back (10 digits).
const kboText = (text: string) => (/^[0-9]{9}$/.test(text) ? `0${text}` : text)
// A code must be an integer; anything else is passed as text so the schema names the problem.
const codeValue = (text: string): number | string => (/^[0-9]{1,4}(\.0+)?$/.test(text) ? Number.parseInt(text, 10) : text)

async function readRows(body: Buffer, sentAt: string): Promise<ParsedRow[]> {
  checkZip(body)
  const wb = new (await loadExcel()).Workbook()
  try {
    await wb.xlsx.load(body as unknown as ArrayBuffer)
  } catch {
    throw new GatewayError('GW_ERR_VALIDATION', 'Not a readable .xlsx workbook', [{ path: '/', message: 'is not a readable .xlsx workbook' }])
  }
  const sheet = BLINKERS_SHEETS.map((name) => wb.getWorksheet(name)).find((ws) => ws !== undefined) ?? wb.worksheets[0]
  if (!sheet) throw new GatewayError('GW_ERR_VALIDATION', 'The workbook has no sheet', [{ path: '/', message: 'has no sheet' }])
  const columns = new Map<string, number>()
  // Headers in French, Dutch or English, or the column keys (column-names.ts).
  sheet.getRow(1).eachCell((cell, col) => {
    const key = columnKey(cellText(cell.value))
    if (key && !columns.has(key)) columns.set(key, col)
  })
  const missing = REQUIRED.filter((c) => !columns.has(c))
  if (missing.length > 0) {
    throw new GatewayError('GW_ERR_VALIDATION', `Header row 1 lacks ${missing.join(', ')}`, missing.map((c) => ({ path: `/header/${c}`, message: 'column is missing' })))
  }
  if (sheet.rowCount - 1 > MAX_IMPORT_ROWS) throw new GatewayError('GW_ERR_VALIDATION', `More than ${MAX_IMPORT_ROWS} rows; split the list`, [{ path: '/', message: `more than ${MAX_IMPORT_ROWS} rows` }])
  const out: ParsedRow[] = []
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r)
    const text = (name: string) => {
      const col = columns.get(name)
      return col ? cellText(row.getCell(col).value) : ''
    }
    const blinkerId = text('blinkerId')
    const code = text('code')
    const comment = text('comment')
    if (!blinkerId && !code) continue
    if (!code) {
      out.push({ row: r, blinkerId })
      continue
    }
    const value = codeValue(code)
    const feedback = {
      messageId: rowMessageId(blinkerId, typeof value === 'number' ? value : Number.NaN, comment),
      blinkerId,
      cpasKbo: kboText(text('cpasKbo')),
      code: value,
      sentAt,
    } as Feedback
    if (comment) feedback.comment = comment
    out.push({ row: r, blinkerId, feedback })
  }
  return out
}

const rowPath = (row: number, path: string | undefined) => `/rows/${row}${(path ?? '').replace(/^\/feedback\/[0-9]+/, '')}`

/** A 409 "messageId reused" on a row whose stored message has the same content is a re-import. */
async function storedSame(envCtx: EnvContext, f: Feedback): Promise<Receipt | undefined> {
  const rec = await getFeedback(envCtx.redis, envCtx.keys, f.messageId)
  if (!rec) return undefined
  const same = rec.blinkerId === f.blinkerId && rec.cpas === f.cpasKbo && rec.code === f.code && (rec.feedback.comment ?? '') === (f.comment ?? '')
  return same ? { messageId: rec.messageId, receivedAt: rec.receivedAt, status: 'RECEIVED' } : undefined
}

export async function importRecap(envCtx: EnvContext, importer: Party, body: Buffer, at = new Date()): Promise<ImportReport> {
  const rows = await readRows(body, at.toISOString())
  const report: ImportReport = { accepted: 0, duplicates: 0, rejected: 0, skipped: 0, rows: [] }
  const withCode = rows.filter((r): r is ParsedRow & { feedback: Feedback } => r.feedback !== undefined)
  // Which messages exist already (an earlier import): those rows are duplicates, not acceptances.
  const known = new Set<string>()
  const exists = withCode.length > 0 ? await envCtx.redis.pipeline(withCode.map((r) => ['exists', keys.feedback(envCtx.keys, r.feedback.messageId.toLowerCase())])).exec() : []
  withCode.forEach((r, i) => {
    if (exists?.[i]?.[1] === 1) known.add(r.feedback.messageId)
  })
  const byRow = new Map<number, RowReport>()
  for (let i = 0; i < withCode.length; i += MAX_FEEDBACK_BATCH) {
    const chunk = withCode.slice(i, i + MAX_FEEDBACK_BATCH)
    const result = await submitFeedbackBatch(envCtx, importer, chunk.map((r) => r.feedback))
    const receipts = new Map(result.receipts.map((rc) => [rc.messageId, rc]))
    const rejected = new Map(result.rejected.map((x) => [x.index, x.errors]))
    for (const [j, r] of chunk.entries()) {
      const id = r.feedback.messageId
      const entry: RowReport = { row: r.row, blinkerId: r.blinkerId, result: 'accepted', messageId: id, errors: [] }
      const errors = rejected.get(j)
      if (errors) {
        const again = errors.length === 1 && errors[0]?.code === 'GW_ERR_MESSAGE_ID_REUSED' ? await storedSame(envCtx, r.feedback) : undefined
        if (again) Object.assign(entry, { result: 'duplicate', receipt: again })
        else Object.assign(entry, { result: 'rejected', errors: errors.map((e) => ({ path: rowPath(r.row, e.path), message: e.message, code: e.code })) })
      } else {
        entry.receipt = receipts.get(id)
        if (known.has(id)) entry.result = 'duplicate'
        known.add(id)
      }
      if (entry.result === 'rejected') delete entry.messageId
      byRow.set(r.row, entry)
    }
  }
  for (const r of rows) {
    const entry = byRow.get(r.row) ?? { row: r.row, blinkerId: r.blinkerId, result: 'skipped' as const, errors: [] }
    // The blinkerId cell is whatever was typed there: a NISS in the wrong column is not echoed.
    report.rows.push(entry.blinkerId === undefined ? entry : { ...entry, blinkerId: maskNissText(entry.blinkerId) })
    if (entry.result === 'accepted') report.accepted++
    else if (entry.result === 'duplicate') report.duplicates++
    else if (entry.result === 'rejected') report.rejected++
    else report.skipped++
  }
  // The barometer's recapRowsRejected, per CPAS (src/barometer/counters-points.ts).
  await countRecapRows(envCtx.redis, envCtx.keys, recapRowCounts(withCode, byRow), at)
  return report
}
