/**
 * The columns of every list the workspace pages offer as a file: the pending decisions, a CPAS's
 * blinkers and feedback, the CPAS directory. Headers in the page's language; identifiers,
 * codes and statuses as the API writes them (a spreadsheet filter works in every language), with
 * the label beside where a person needs it.
 */
import { entryName, type CpasDirectoryEntry } from '../cpas/cpas-directory.js'
import { feedbackCode } from '../domain/feedback-codes.js'
import { codeLabel, flowLabel, statusLabel, t, type Lang } from '../i18n/index.js'
import type { CpasBlinkerRow, CpasFeedbackRow } from './cpas-model.js'
import type { PendingItem } from './pending-model.js'
import type { ExportColumn, ExportTable } from './table-export.js'

const h = (lang: Lang, key: string) => t(lang, `exports.columns.${key}`)

export function pendingTable(lang: Lang, items: readonly PendingItem[]): ExportTable<PendingItem> {
  const columns: ExportColumn<PendingItem>[] = [
    { header: h(lang, 'receivedAt'), value: (i) => i.receivedAt, width: 26 },
    { header: h(lang, 'ageDays'), value: (i) => i.ageDays, width: 8 },
    { header: h(lang, 'cpasKbo'), value: (i) => i.cpasKbo, width: 12 },
    { header: h(lang, 'cpasName'), value: (i) => i.cpasName, width: 30 },
    { header: h(lang, 'blinkerId'), value: (i) => i.blinkerId, width: 20 },
    { header: h(lang, 'flow'), value: (i) => flowLabel(lang, i.flow), width: 24 },
    { header: h(lang, 'finding'), value: (i) => i.finding?.description, width: 40 },
    { header: h(lang, 'amount'), value: (i) => (i.finding?.amountCents === undefined ? undefined : i.finding.amountCents / 100), width: 12 },
    { header: h(lang, 'code'), value: (i) => i.code, width: 6 },
    { header: h(lang, 'codeLabel'), value: (i) => codeLabel(lang, i.code), width: 40 },
    { header: h(lang, 'comment'), value: (i) => i.comment, width: 40 },
    { header: h(lang, 'softwareHouse'), value: (i) => i.softwareHouseName, width: 20 },
    { header: h(lang, 'messageId'), value: (i) => i.messageId, width: 38 },
  ]
  return { name: t(lang, 'exports.sheet.pending'), columns, rows: items }
}

export function blinkersTable(lang: Lang, kbo: string, rows: readonly CpasBlinkerRow[]): ExportTable<CpasBlinkerRow> {
  const columns: ExportColumn<CpasBlinkerRow>[] = [
    { header: h(lang, 'blinkerId'), value: (b) => b.blinkerId, width: 20 },
    { header: h(lang, 'flow'), value: (b) => flowLabel(lang, b.flow), width: 24 },
    { header: h(lang, 'regime'), value: (b) => b.regime, width: 10 },
    { header: h(lang, 'status'), value: (b) => statusLabel(lang, b.status), width: 18 },
    { header: h(lang, 'publishedAt'), value: (b) => b.publishedAt, width: 26 },
    { header: h(lang, 'ageDays'), value: (b) => b.ageDays, width: 8 },
    { header: h(lang, 'periodStart'), value: (b) => b.periodStart, width: 12 },
  ]
  return { name: `${t(lang, 'exports.sheet.blinkers')}-${kbo}`, columns, rows }
}

export function feedbackTable(lang: Lang, kbo: string, rows: readonly CpasFeedbackRow[]): ExportTable<CpasFeedbackRow> {
  const columns: ExportColumn<CpasFeedbackRow>[] = [
    { header: h(lang, 'receivedAt'), value: (m) => m.receivedAt, width: 26 },
    { header: h(lang, 'messageId'), value: (m) => m.messageId, width: 38 },
    { header: h(lang, 'blinkerId'), value: (m) => m.blinkerId, width: 20 },
    { header: h(lang, 'flow'), value: (m) => (m.flow ? flowLabel(lang, m.flow) : undefined), width: 24 },
    { header: h(lang, 'code'), value: (m) => m.code, width: 6 },
    { header: h(lang, 'codeLabel'), value: (m) => codeLabel(lang, m.code), width: 40 },
    { header: h(lang, 'kind'), value: (m) => { const k = m.kind ?? feedbackCode(m.code)?.kind; return k ? t(lang, `codes.kind.${k}`) : undefined }, width: 14 },
    { header: h(lang, 'comment'), value: (m) => m.comment, width: 40 },
    { header: h(lang, 'softwareHouse'), value: (m) => m.softwareHouseName, width: 20 },
    { header: h(lang, 'status'), value: (m) => statusLabel(lang, m.status), width: 16 },
    { header: h(lang, 'decidedBy'), value: (m) => m.decidedBy, width: 18 },
    { header: h(lang, 'reason'), value: (m) => m.reason, width: 40 },
  ]
  return { name: `${t(lang, 'exports.sheet.feedback')}-${kbo}`, columns, rows }
}

export function directoryTable(lang: Lang, rows: readonly CpasDirectoryEntry[], servedByName: (id: string) => string): ExportTable<CpasDirectoryEntry> {
  const columns: ExportColumn<CpasDirectoryEntry>[] = [
    { header: h(lang, 'cpasKbo'), value: (e) => e.kbo, width: 12 },
    { header: h(lang, 'cpasName'), value: (e) => entryName(e, lang), width: 30 },
    { header: h(lang, 'nameFr'), value: (e) => e.nameFr, width: 30 },
    { header: h(lang, 'nameNl'), value: (e) => e.nameNl, width: 30 },
    { header: h(lang, 'servedBy'), value: (e) => (e.servedBy ? servedByName(e.servedBy) : t(lang, 'cpas.page.excel')), width: 24 },
  ]
  return { name: t(lang, 'exports.sheet.directory'), columns, rows }
}
