/**
 * The transition list's column headers in three languages, and the reverse: which column a header
 * of a returned recap list names. A header is recognised in French, Dutch or English, or as the
 * column key itself (lists exported before the headers were translated), whatever its case,
 * accents or spacing — a CPAS may retype a header in its spreadsheet.
 */
import { LANGS, t, type Lang } from '../i18n/index.js'
import { COLUMNS, type Column } from './transition-list.js'

/** The header of a column in a language. */
export const columnHeader = (lang: Lang, key: Column): string => t(lang, `transition.columns.${key}`)

/** "Début de la période" → "debut de la periode": case, accents and spacing do not matter. */
export const normalizeHeader = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .trim()

const byHeader = new Map<string, Column>()
for (const [key] of COLUMNS) {
  for (const name of [key, ...LANGS.map((l) => columnHeader(l, key))]) {
    const n = normalizeHeader(name)
    const other = byHeader.get(n)
    // Two columns must never share a header in any language, or an import could swap them.
    if (other && other !== key) throw new Error(`transition list: header "${name}" names both ${other} and ${key}`)
    byHeader.set(n, key)
  }
}

/** The column a header names (any language, or the key), if any. */
export const columnKey = (header: string): Column | undefined => byHeader.get(normalizeHeader(header))
