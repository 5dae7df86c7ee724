/** The docker Prometheus example scrapes the gateway, and every metric the alerts use exists. */
import { readFileSync } from 'node:fs'
import t from 'tap'
import { parse } from 'yaml'
import { startGateway } from '../helpers/gateway.js'

const read = (f: string) => parse(readFileSync(new URL(`../../docker/${f}`, import.meta.url), 'utf8')) as Record<string, unknown>

t.test('compose runs Prometheus on the scrape config; the alerts use real metric names', async (t) => {
  const compose = read('compose.yml') as { services: Record<string, { volumes?: string[]; environment?: Record<string, string> }> }
  t.ok(compose.services.gateway && compose.services.worker && compose.services.redis, 'gateway, worker, redis')
  t.match(compose.services.prometheus?.volumes, [/\.\/prometheus\.yml:/, /\.\/alerts\.yml:/])
  const prom = read('prometheus.yml') as { scrape_configs: { metrics_path: string; static_configs: { targets: string[] }[] }[] }
  t.equal(prom.scrape_configs[0]?.metrics_path, '/metrics')
  t.same(prom.scrape_configs[0]?.static_configs[0]?.targets, ['gateway:3000'])

  const gw = await startGateway(t)
  await gw.app.inject({ method: 'GET', url: '/acceptance/v1/blinkers/CLI-2026-000000001' })
  const exposed = (await gw.app.inject({ method: 'GET', url: '/metrics' })).body
  const alerts = read('alerts.yml') as { groups: { rules: { alert: string; expr: string }[] }[] }
  const rules = alerts.groups.flatMap((g) => g.rules)
  t.ok(rules.length >= 5)
  for (const rule of rules) {
    for (const name of rule.expr.match(/\bbgw_[a-z0-9_]+/g) ?? []) t.match(exposed, new RegExp(`^# TYPE ${name.replace(/_bucket$/, '')} `, 'm'), `${rule.alert}: ${name} is exposed`)
  }
})
