/** Pieces the workspace pages share: export links and sortable column headers. */
import { html, raw, type Html } from '../dashboard/html.js'
import { t } from '../i18n/index.js'
import type { PageView } from '../pages/layout.js'

/** "Download: CSV · Excel" for the list at `base` (`base.csv`, `base.xlsx`) with the same query. */
export function exportLinks(view: PageView, base: string, query: Record<string, string>, id = 'exports'): Html {
  const l = view.lang
  const q = new URLSearchParams({ ...query, lang: l }).toString()
  return html`<p class="exports" id="${id}">${t(l, 'exports.download')} <a href="${base}.csv?${q}" download>${t(l, 'exports.csv')}</a> · <a href="${base}.xlsx?${q}" download>${t(l, 'exports.xlsx')}</a></p>`
}

export interface SortState<C extends string> {
  column: C
  desc: boolean
}

/**
 * A column header that sorts the list by that column (a second click reverses it); the current
 * column carries aria-sort. `param` is the query name (a page with two lists has two).
 */
export function sortHeader<C extends string>(view: PageView, label: string, column: C, state: SortState<C>, param: string, anchor: string, num = false): Html {
  const current = state.column === column
  const next = current && !state.desc ? `-${column}` : column
  const q = new URLSearchParams({ ...view.query, lang: view.lang, [param]: next })
  const ariaSort = current ? (state.desc ? 'descending' : 'ascending') : 'none'
  const arrow = current ? (state.desc ? ' ▼' : ' ▲') : ''
  return html`<th scope="col"${raw(num ? ' class="num"' : '')} aria-sort="${ariaSort}"><a href="${view.path}?${q.toString()}#${anchor}" title="${t(view.lang, 'cpas.page.sortBy', { column: label })}">${label}</a>${arrow}</th>`
}

/** Sorts a copy of `rows` by the value `key` gives (numbers numerically, text in the locale's order). */
export function sorted<R>(rows: readonly R[], key: (r: R) => string | number | undefined, desc: boolean, locale: string): R[] {
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' })
  const out = [...rows].sort((a, b) => {
    const x = key(a)
    const y = key(b)
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1
    return typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y))
  })
  return desc ? out.reverse() : out
}
