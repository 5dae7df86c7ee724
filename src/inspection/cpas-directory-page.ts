/**
 * The CPAS directory page: every CPAS of the environment with its names and who serves it,
 * searchable by name (either language, accents ignored) or number, sortable, downloadable.
 */
import { html, type Html } from '../dashboard/html.js'
import { t, fmt, LOCALES } from '../i18n/index.js'
import type { PageView } from '../pages/layout.js'
import { tableBox } from '../pages/layout.js'
import { entryName, type CpasDirectoryEntry } from '../cpas/cpas-directory.js'
import { exportLinks, sortHeader, sorted, type SortState } from './page-parts.js'

export const DIRECTORY_SORTS = ['name', 'kbo', 'servedBy'] as const
export type DirectorySort = (typeof DIRECTORY_SORTS)[number]

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()

/** The entries matching a search text (name in either language, parties name, or number). */
export function searchDirectory(entries: readonly CpasDirectoryEntry[], q: string | undefined): CpasDirectoryEntry[] {
  if (!q) return [...entries]
  const needle = fold(q)
  const digits = q.replace(/[.\s]/g, '')
  return entries.filter((e) => (/^[0-9]+$/.test(digits) && e.kbo.includes(digits)) || [e.nameFr, e.nameNl, e.partiesName].some((n) => n !== undefined && fold(n).includes(needle)))
}

export function sortDirectory(entries: readonly CpasDirectoryEntry[], sort: SortState<DirectorySort>, view: Pick<PageView, 'lang'>, servedByName: (id: string) => string): CpasDirectoryEntry[] {
  const key = (e: CpasDirectoryEntry) => (sort.column === 'kbo' ? e.kbo : sort.column === 'name' ? entryName(e, view.lang) : e.servedBy ? servedByName(e.servedBy) : '')
  return sorted(entries, key, sort.desc, LOCALES[view.lang])
}

export function directoryPageBody(view: PageView, rows: readonly CpasDirectoryEntry[], q: string | undefined, sort: SortState<DirectorySort>, servedByName: (id: string) => string): Html {
  const l = view.lang
  const col = (k: string) => t(l, `exports.columns.${k}`)
  const head = html`<thead><tr>${sortHeader(view, col('cpasName'), 'name', sort, 'sort', 'directory')}${sortHeader(view, col('cpasKbo'), 'kbo', sort, 'sort', 'directory')}${sortHeader(view, col('servedBy'), 'servedBy', sort, 'sort', 'directory')}</tr></thead>`
  const body = rows.map(
    (e) =>
      html`<tr><td><a href="/${view.env}/dashboard/cpas/${e.kbo}">${entryName(e, l)}</a></td><td>${e.kbo}</td><td>${e.servedBy ? servedByName(e.servedBy) : t(l, 'cpas.page.excel')}</td></tr>`,
  )
  const query: Record<string, string> = q ? { q } : {}
  return html`<section class="wide" id="directory-search"><form method="get" action="/${view.env}/dashboard/cpas" role="search">
<input type="hidden" name="lang" value="${l}">
<label for="q">${t(l, 'cpas.directory.search')}</label><br><input id="q" name="q" type="search" maxlength="100" value="${q ?? ''}"> <button type="submit">${t(l, 'cpas.directory.submit')}</button>
</form>
<p class="muted" id="directory-count">${t(l, 'cpas.directory.count', { count: fmt(l).number(rows.length) })}</p>${exportLinks(view, `/${view.env}/dashboard/cpas`, query)}</section>
<section class="wide" id="directory">${rows.length ? tableBox(t(l, 'cpas.directory.title'), html`<table><caption>${t(l, 'cpas.directory.title')}</caption>${head}<tbody>${body}</tbody></table>`) : html`<p>${t(l, 'cpas.directory.none', { q: q ?? '' })}</p>`}</section>`
}
