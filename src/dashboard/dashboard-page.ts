/**
 * The dashboard page and the login page: plain server-rendered HTML with inline CSS and SVG,
 * no script (the Content-Security-Policy of the route forbids any). Every data value goes through
 * the escaping `html` tag.
 */
import type { Regime } from '../domain/model.js'
import type { CpasRate } from '../statistics/compute.js'
import type { DashboardData } from './dashboard-data.js'
import { grouped, html, percent, raw, type Html } from './html.js'
import { rateHistogram, shareBars, trendChart } from './svg-charts.js'

const CSS = raw(`
body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header { background: #0b3d91; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; align-items: center; }
header h1 { font-size: 20px; margin: 0; }
header form { margin: 0; }
main { padding: 16px 24px; display: grid; grid-template-columns: repeat(auto-fit, minmax(780px, 1fr)); gap: 16px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 16px; }
h2 { font-size: 16px; margin: 4px 0 10px; }
table { border-collapse: collapse; font-size: 13px; width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eaeef2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.kpis { display: flex; gap: 12px; flex-wrap: wrap; }
.kpi { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 12px; min-width: 160px; }
.kpi b { display: block; font-size: 22px; }
.muted { color: #656d76; font-size: 12px; }
.bad { color: #cf222e; } .warn { color: #9a6700; } .good { color: #1a7f37; }
nav a { color: #fff; margin-left: 8px; }
details summary { cursor: pointer; margin: 6px 0; }
`)

const REGIME_LABEL: Record<Regime | 'ALL', string> = { DIS: 'Right to social integration (DIS)', LAW_1965: 'Law of 2 April 1965', ALL: 'Both regimes' }

function cpasTable(rows: readonly CpasRate[], id: string): Html {
  if (rows.length === 0) return html`<p class="muted" id="${id}">None.</p>`
  return html`<table id="${id}"><thead><tr><th>CPAS</th><th>KBO</th><th class="num">files</th><th class="num">with blinker</th><th class="num">rate</th><th class="num">per 100 files</th><th>channel</th></tr></thead><tbody>
${rows.map((c) => html`<tr><td>${c.name ?? ''}</td><td>${c.cpasKbo}</td><td class="num">${grouped(c.files)}</td><td class="num">${grouped(c.filesWithBlinker)}</td><td class="num">${percent(c.rate)}</td><td class="num">${c.blinkersPer100Files?.toFixed(1) ?? '–'}</td><td>${c.channel === 'electronic' ? `electronic (${c.softwareHouse ?? ''})` : 'Excel lists'}</td></tr>`)}
</tbody></table>`
}

function layout(title: string, env: string, body: Html, loggedIn: boolean): Html {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${CSS}</style></head>
<body><header><h1>${title} <span class="muted" style="color:#cfe0ff">${env}</span></h1>${loggedIn ? html`<form method="post" action="/${env}/dashboard/logout"><button type="submit">Log out</button></form>` : ''}</header>${body}</body></html>`
}

export function loginPage(env: string, message?: string): string {
  return layout(
    'Blinker gateway — inspection dashboard',
    env,
    html`<main><section><h2>Log in</h2>${message ? html`<p class="bad" id="login-error">${message}</p>` : ''}
<form method="post" action="/${env}/dashboard/login"><label>Inspection token <input type="password" name="token" autocomplete="current-password" required maxlength="512"></label> <button type="submit">Open the dashboard</button></form>
<p class="muted">The token is kept in an HttpOnly, SameSite=Strict cookie for this path only, for 8 hours.</p></section></main>`,
    false,
  ).value
}

export function dashboardPage(d: DashboardData): string {
  const s = d.stats
  const title = 'Blinker gateway — inspection dashboard'
  if (!s || !d.period) {
    return layout(title, d.env, html`<main><section><h2>No statistics yet</h2><p>No blinkers and no files for any period in ${d.env}. Load the demo data: <code>npm run demo:data</code>.</p></section></main>`, true).value
  }
  const rated = s.cpas.filter((c) => c.rate !== null).map((c) => c.rate as number)
  const dist = s.distribution
  const byRegime = s.perRegime.map((r) => html`<div class="kpi"><span class="muted">${REGIME_LABEL[r.regime]}</span><b>${percent(r.rate)}</b>${grouped(r.filesWithBlinker)} of ${grouped(r.files)} files</div>`)
  const periodLinks = d.periods.map((p) => (p === d.period ? html`<b>${p}</b> ` : html`<a href="?period=${p}">${p}</a> `))
  const body = html`<main>
<section id="summary"><h2>${d.period}: files with at least one blinker</h2><div class="kpis">${byRegime}
<div class="kpi"><span class="muted">${REGIME_LABEL.ALL}</span><b>${percent(s.totals.rate)}</b>${grouped(s.totals.filesWithBlinker)} of ${grouped(s.totals.files)} files</div>
<div class="kpi"><span class="muted">CPAS</span><b>${dist.count}</b>${d.channels.electronic} electronic, ${d.channels.excel} on Excel lists</div></div>
<p class="muted">Periods: ${periodLinks} · quartiles (nearest rank) ${percent(dist.q1)} / ${percent(dist.median)} / ${percent(dist.q3)} ·
${dist.under.map((u) => html`${percent(u.share, 0)} of CPAS under ${percent(u.threshold, 0)}; `)} ${s.withoutBlinker.length} CPAS without a blinker · highest ${percent(dist.max)}.
Target: every CPAS under 5 %; on-site inspection above 10 %.</p></section>
<section id="distribution"><h2>Distribution of CPAS by share of files with a blinker (${d.period})</h2>${rateHistogram(rated)}</section>
<section id="trend-section"><h2>Trend over periods</h2>${trendChart(
    d.trend.map((p) => p.period),
    [
      { label: 'DIS', color: '#0b3d91', values: d.trend.map((p) => p.perRegime.DIS.rate) },
      { label: 'Law 1965', color: '#8250df', values: d.trend.map((p) => p.perRegime.LAW_1965.rate) },
      { label: 'both', color: '#656d76', values: d.trend.map((p) => p.all.rate) },
    ],
  )}</section>
<section id="flows"><h2>Feedback per flow: justified or unjustified (${d.period})</h2>${shareBars(s.feedback.perFlow.map((f) => ({ label: f.flow, justified: f.justified, unjustified: f.unjustified })))}
<p class="muted">A high unjustified share points at the crossing margins of that flow.</p></section>
<section id="above10-section"><h2 class="bad">Above 10 %: on-site inspection (${s.above10.length})</h2>${cpasTable(s.above10, 'above10')}</section>
<section id="between-section"><h2 class="warn">Between 5 % and 10 % (${s.between5And10.length})</h2><details><summary>Show the ${s.between5And10.length} CPAS</summary>${cpasTable(s.between5And10, 'between5And10')}</details>
<p class="muted">Without a blinker (${s.withoutBlinker.length}): ${s.withoutBlinker.join(', ')}${s.missingFiles.length ? html`<br><span class="warn">Blinkers but no files given (${s.missingFiles.length}): ${s.missingFiles.join(', ')}</span>` : ''}</p></section>
<section id="operations"><h2>Open blinkers by age</h2><table><tbody>${s.openByAge.map((a) => html`<tr><td>${a.label}</td><td class="num">${grouped(a.count)}</td></tr>`)}</tbody></table>
<h2>Dead letters</h2><table id="dead-letters"><tbody>${d.deadLetters.map((q) => html`<tr><td>${q.queue}</td><td class="num ${q.count > 0 ? 'bad' : 'good'}">${q.count}</td></tr>`)}</tbody></table></section>
<section id="inbox"><h2>Inspection inbox (latest ${d.inbox.length})</h2>${
    d.inbox.length === 0
      ? html`<p class="muted">Empty.</p>`
      : html`<table><thead><tr><th>received</th><th>blinker</th><th>CPAS</th><th>flow</th><th class="num">code</th><th>from</th><th>comment</th></tr></thead><tbody>${d.inbox.map(
          (i) => html`<tr><td>${i.receivedAt.slice(0, 19).replace('T', ' ')}</td><td>${i.feedback.blinkerId ?? ''}</td><td>${i.feedback.cpasKbo ?? ''}</td><td>${i.blinker.flow ?? ''}</td><td class="num">${i.feedback.code ?? ''}</td><td>${i.softwareHouse}</td><td>${i.feedback.comment ?? ''}</td></tr>`,
        )}</tbody></table>`
  }</section>
<section id="cpas-section"><h2>Every CPAS (${s.cpas.length})</h2><details><summary>Show rates and channels</summary>${cpasTable(s.cpas, 'all-cpas')}</details>
<p class="muted">Generated ${d.generatedAt}.</p></section>
</main>`
  return layout(title, d.env, body, true).value
}
