/**
 * The one page shell every inspection page uses: header (the gateway, the environment, the
 * person and a logout form), the main navigation, the language switch, a skip link, and one
 * small inline stylesheet (the CSP allows inline style, no script). Responsive down to 390 px:
 * nothing has a fixed width, charts scale with their panel, wide tables scroll inside their box.
 *
 * The layout writes the page title as the page's only <h1> at the top of <main>: bodies start
 * their headings at <h2>.
 */
import { html, raw, type Html } from '../dashboard/html.js'
import { LANGS, t, type Lang } from '../i18n/index.js'

export interface PageView {
  env: string
  lang: Lang
  /** The request's path, without the query. */
  path: string
  /** The request's query (the language switch keeps it, replacing `lang`). */
  query: Record<string, string>
  person?: { id: string; name: string }
  csrf?: string
}

export type NavItem = 'dashboard' | 'pending' | 'cpas' | 'follow-ups' | 'barometer'

export interface PageContent {
  title: string
  /** Markup (built with the escaping `html` tag, or its `.value`). */
  body: string | Html
  /** The navigation entry to mark as the current page. */
  active?: NavItem
  /** The page's own rules, after PAGE_CSS in the head (default none). */
  css?: string
}

const NAV: readonly { item: NavItem; path: string; key: string }[] = [
  { item: 'dashboard', path: '', key: 'common.nav.dashboard' },
  { item: 'pending', path: '/pending', key: 'common.nav.pending' },
  { item: 'cpas', path: '/cpas', key: 'common.nav.cpas' },
  { item: 'follow-ups', path: '/follow-ups', key: 'common.nav.followUps' },
  { item: 'barometer', path: '/barometer', key: 'common.nav.barometer' },
]

// Colours pass WCAG AA (4.5:1) on their backgrounds; focus is always visible.
export const PAGE_CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; line-height: 1.4; overflow-wrap: anywhere; }
a { color: #0550ae; }
.skip { position: absolute; left: 8px; top: -48px; background: #fff; color: #0b3d91; padding: 8px 12px; z-index: 10; border-radius: 4px; }
.skip:focus { top: 8px; }
:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
header.top { background: #0b3d91; color: #fff; padding: 8px 16px; display: flex; flex-wrap: wrap; gap: 6px 16px; align-items: center; justify-content: space-between; }
header.top a { color: #fff; }
.brand { font-weight: 600; text-decoration: none; }
.env { color: #dbe7ff; font-size: 13px; margin-left: 6px; }
.who { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 14px; }
.who form { margin: 0; }
nav.main ul, nav.langs ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 14px; }
nav.main { background: #e7eefb; padding: 6px 16px; }
nav.main a { color: #0b3d91; }
nav.main a[aria-current="page"] { font-weight: 700; text-decoration: none; border-bottom: 3px solid #0b3d91; }
nav.langs { font-size: 14px; }
nav.langs a[aria-current="true"] { font-weight: 700; text-decoration: none; }
main { padding: 12px 16px 24px; display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 16px; align-items: start; }
main > h1, main > .wide { grid-column: 1 / -1; }
h1 { font-size: 22px; margin: 4px 0 0; }
h2 { font-size: 17px; margin: 4px 0 10px; }
h3 { font-size: 15px; margin: 10px 0 6px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 14px; min-width: 0; }
.table-box { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; width: 100%; overflow-wrap: normal; }
.table-box > table { width: max-content; min-width: 100%; }
td { max-width: 24em; overflow-wrap: break-word; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.kpis { display: flex; gap: 10px; flex-wrap: wrap; }
.kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; flex: 1 1 150px; }
.kpi b { display: block; font-size: 22px; }
.muted { color: #57606a; font-size: 13px; }
.bad { color: #b3261e; } .warn { color: #8a5a00; } .good { color: #1a7f37; }
svg.chart { display: block; width: 100%; height: auto; max-width: 100%; }
details summary { cursor: pointer; margin: 6px 0; color: #0550ae; }
button, input, select, textarea { font: inherit; max-width: 100%; }
button { padding: 6px 12px; border-radius: 4px; border: 1px solid #0b3d91; background: #0b3d91; color: #fff; cursor: pointer; }
header.top button { background: #fff; color: #0b3d91; border-color: #fff; }
label { display: inline-block; margin: 4px 0; }
input, select { padding: 5px 6px; border: 1px solid #6e7781; border-radius: 4px; }
code { overflow-wrap: anywhere; }
`

/** The path and query of this page with another language. */
export function langHref(view: Pick<PageView, 'path' | 'query'>, lang: Lang): string {
  const q = new URLSearchParams({ ...view.query, lang })
  return `${view.path}?${q.toString()}`
}

/** A table that scrolls inside its panel when wider than the screen (keyboard-reachable). */
export function tableBox(label: string, table: Html): Html {
  return html`<div class="table-box" role="region" aria-label="${label}" tabindex="0">${table}</div>`
}

function header(view: PageView): Html {
  const base = `/${view.env}/dashboard`
  const langs = LANGS.map(
    (l) => html`<li><a href="${langHref(view, l)}" lang="${l}" hreflang="${l}"${raw(l === view.lang ? ' aria-current="true"' : '')}>${t(l, `common.langName.${l}`)}</a></li>`,
  )
  const who = view.person
    ? html`<span class="person">${t(view.lang, 'common.loggedInAs', { name: view.person.name })}</span><form method="post" action="${base}/logout"><input type="hidden" name="csrf" value="${view.csrf ?? ''}"><button type="submit">${t(view.lang, 'common.logout')}</button></form>`
    : ''
  return html`<header class="top"><div><a class="brand" href="${base}">${t(view.lang, 'common.appName')}</a><span class="env">${t(view.lang, 'common.environment', { env: view.env })}</span></div>
<div class="who"><nav class="langs" aria-label="${t(view.lang, 'common.language')}"><ul>${langs}</ul></nav>${who}</div></header>`
}

function nav(view: PageView, active: NavItem | undefined): Html {
  const base = `/${view.env}/dashboard`
  const items = NAV.map((n) => html`<li><a href="${base}${n.path}"${raw(n.item === active ? ' aria-current="page"' : '')}>${t(view.lang, n.key)}</a></li>`)
  return html`<nav class="main" aria-label="${t(view.lang, 'common.nav.label')}"><ul>${items}</ul></nav>`
}

/** A whole HTML page in the view's language. */
export function renderPage(view: PageView, page: PageContent): string {
  const body = typeof page.body === 'string' ? raw(page.body) : page.body
  return html`<!doctype html><html lang="${view.lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${page.title} — ${t(view.lang, 'common.appName')}</title><style>${raw(PAGE_CSS)}${raw(page.css ?? '')}</style></head>
<body><a class="skip" href="#main">${t(view.lang, 'common.skipToContent')}</a>${header(view)}${nav(view, page.active)}
<main id="main" tabindex="-1"><h1>${page.title}</h1>${body}</main></body></html>`.value
}
