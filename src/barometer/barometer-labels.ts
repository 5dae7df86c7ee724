/**
 * The barometer in words, for the page and the report: party names, values in the language's
 * formats, and the catalogue texts of scores, reasons and trends (src/i18n, namespace barometer).
 */
import type { EnvContext } from '../context.js'
import { cpasNames } from '../cpas/cpas-directory.js'
import { fmt, t, type Lang } from '../i18n/index.js'
import { EXCEL_PARTY_PREFIX } from './indicators.js'
import type { DomainScore, IndicatorScore } from './scores.js'
import type { Thresholds } from './thresholds.js'

/** Display names: a software house's name from the parties file, a CPAS's from the directory. */
export async function partyNames(ctx: EnvContext, partyIds: readonly string[], lang: Lang): Promise<Map<string, string>> {
  const kbos = partyIds.filter((id) => id.startsWith(EXCEL_PARTY_PREFIX)).map((id) => id.slice(EXCEL_PARTY_PREFIX.length))
  const cpas = kbos.length > 0 ? await cpasNames(ctx, kbos, lang) : new Map<string, string>()
  return new Map(
    partyIds.map((id) => {
      if (id.startsWith(EXCEL_PARTY_PREFIX)) return [id, cpas.get(id.slice(EXCEL_PARTY_PREFIX.length)) ?? id]
      return [id, ctx.parties.parties.get(id)?.name ?? id]
    }),
  )
}

/** A value as people read it: a percentage, or days with one decimal; "–" without a value. */
export function valueText(lang: Lang, i: Pick<IndicatorScore, 'value' | 'unit'>): string {
  if (i.value === null) return '–'
  if (i.unit === 'days') return t(lang, 'barometer.days', { value: fmt(lang).number(i.value, 1) })
  return fmt(lang).percent(i.value, 1)
}

/** A threshold bound in the indicator's unit. */
export function boundText(lang: Lang, unit: 'share' | 'days', bound: number): string {
  return valueText(lang, { value: bound, unit })
}

export const scoreText = (lang: Lang, score: string): string => t(lang, `barometer.score.${score}`)
export const trendText = (lang: Lang, trend: string | undefined): string => (trend ? t(lang, `barometer.trend.${trend}`) : '–')

/** Why an indicator or a domain is NOT_APPLICABLE, in words ('' when it is scored). */
export function reasonText(lang: Lang, th: Thresholds, x: Pick<DomainScore, 'reason'> & { indicator?: string }): string {
  if (!x.reason) return ''
  const minN = x.indicator ? (th.indicators[x.indicator]?.minN ?? 0) : 0
  return t(lang, `barometer.reason.${x.reason}`, { minN })
}

/** The CSS class of a score's cell (colour AND text: the text is always written too). */
export const scoreClass = (score: string): string => `score score-${score.toLowerCase().replace('_', '-')}`
