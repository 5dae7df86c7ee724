/**
 * `blinker-gateway conformance` arguments and setup failures (the full runs are in
 * tests/onboarding/conformance-runner.test.ts): usage errors exit 2, a run that cannot start
 * (wrong token, production, unknown scenario, CPAS not served) exits 1 with one precise line.
 */
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { main } from '../../src/cli/main.js'
import { parseConformanceArgs } from '../../src/cli/conformance.js'
import { formatReport } from '../../src/onboarding/conformance/report.js'
import { unservedKbo } from '../../src/onboarding/conformance/runner.js'
import { isValidKbo } from '../../src/domain/identifiers.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err }
}

t.test('usage errors exit 2 with the usage', async (t) => {
  for (const args of [[], ['--base', 'x', '--token', 't'], ['--base', 'http://h'], ['--base', 'http://h', '--token', 't', '--push-port', '70000'], ['--base', 'http://h', '--token', 't', '--bogus']]) {
    const { io, err } = capture()
    t.equal(await main(['conformance', ...args], io), 2, args.join(' '))
    t.match(err.join('\n'), /Usage: blinker-gateway conformance/)
  }
  const help = capture()
  t.equal(await main(['conformance', '--help'], help.io), 0)
  t.match(help.out.join('\n'), /--soap/)
  t.match(parseConformanceArgs(['--base', 'http://h', '--token', 't', '--push-host', '0.0.0.0', '--push-port', '8099', '--push-url', 'https://tunnel.example/hook', '--push-timeout-ms', '5000', '--only', 'wrong-cpas, invalid-xml', '--no-record', '--cpas', '0212344876', '--json']), {
    baseUrl: 'http://h',
    push: { host: '0.0.0.0', port: 8099, publicUrl: 'https://tunnel.example/hook', timeoutMs: 5000 },
    only: ['wrong-cpas', 'invalid-xml'],
    record: false,
    cpasKbo: '0212344876',
    json: true,
  })
})

t.test('runs that cannot start exit 1 with the reason', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const cases: [string[], RegExp][] = [
    [['--token', 'nope'], /cannot start against .*401 GW_ERR_UNAUTHENTICATED/],
    [['--token', TOKENS.production.alpha], /403 GW_ERR_WRONG_ENVIRONMENT/],
    [['--token', TOKENS.acceptance.inspection], /403 GW_ERR_FORBIDDEN_ROLE/],
    [['--token', TOKENS.acceptance.alpha, '--cpas', '0207017596'], /does not serve CPAS 0207017596 \(it serves 0207151616, 0212344876\)/],
    [['--token', TOKENS.acceptance.alpha, '--only', 'wrong-cpas,nonsense'], /unknown scenario\(s\): nonsense/],
  ]
  for (const [args, expected] of cases) {
    const { io, err } = capture()
    t.equal(await main(['conformance', '--base', `${base}/acceptance/`, ...args], io), 1, args.join(' '))
    t.match(err.join('\n'), expected)
  }
})

t.test('a partial run, JSON output, not recorded', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const { io, out } = capture()
  const code = await main(['conformance', '--base', base, '--token', TOKENS.acceptance.beta, '--only', 'wrong-cpas,soap-feedback', '--no-record', '--json'], io)
  t.equal(code, 0)
  const report = JSON.parse(out.join('\n'))
  t.match(report, { partyId: 'beta', cpasKbo: '0207017596', passed: 2, failed: 0, results: [{ name: 'wrong-cpas', passed: true }, { name: 'soap-feedback', passed: true }] })
  t.equal(report.record, undefined)
  t.match(formatReport(report).at(-1), /Not recorded/)
  t.match(formatReport({ ...report, recordError: 'POST … → 503' }).at(-1), /NOT recorded: POST … → 503/)
  t.equal((await gw.app.inject({ method: 'GET', url: '/acceptance/v1/conformance/results/latest', headers: { authorization: `Bearer ${TOKENS.acceptance.beta}` } })).statusCode, 404)
})

t.test('unservedKbo gives a valid enterprise number outside the list', async (t) => {
  const first = unservedKbo([])
  t.ok(isValidKbo(first))
  const second = unservedKbo([first])
  t.ok(isValidKbo(second))
  t.not(second, first)
})

t.test('--judged: usage, start only, a verdict, refused tokens', async (t) => {
  for (const args of [['--start-only'], ['--run', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'], ['--judged', '--run', 'xyz'], ['--judged', '--start-only', '--run', '3f2504e0-4f89-41d3-9a0c-0305e82c3301'], ['--judged', '--deadline-minutes', '2']]) {
    const { io, err } = capture()
    t.equal(await main(['conformance', '--base', 'http://h', '--token', 't', ...args], io), 2, args.join(' '))
    t.match(err.join('\n'), /Usage: blinker-gateway conformance/)
  }
  t.match(parseConformanceArgs(['--base', 'http://h', '--token', 't', '--judged', '--deadline-minutes', '30']), { judged: { mode: 'drive' }, deadlineMinutes: 30 })

  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  const started = capture()
  t.equal(await main(['conformance', '--base', base, '--token', TOKENS.acceptance.beta, '--judged', '--start-only', '--deadline-minutes', '15'], started.io), 0)
  const run = JSON.parse(started.out.join('\n'))
  t.match(run, { partyId: 'beta', cpasKbo: '0207017596', verdict: 'RUNNING', judgedAt: null })
  t.equal(Date.parse(run.deadline) - Date.parse(run.startedAt), 15 * 60_000)
  t.ok(run.scenarios.length >= 10 && run.scenarios.every((s: { todo: string; status: string }) => s.todo.length > 10 && s.status === 'PENDING'), 'what to do, per scenario')

  const verdict = capture()
  t.equal(await main(['conformance', '--base', base, '--token', TOKENS.acceptance.beta, '--judged', '--run', run.id], verdict.io), 1, 'RUNNING is not a pass')
  t.match(verdict.out[0], new RegExp(`^Conformance run ${run.id} judged by the gateway at ${base}/acceptance, party beta`))
  t.match(verdict.out.find((l) => / pull-and-acknowledge /.test(l)), /^PENDING +pull-and-acknowledge +CLI-\d{4}-9\d{8} not received yet/)
  t.equal(verdict.out.at(-1), 'Verdict: RUNNING')

  const prod = capture()
  t.equal(await main(['conformance', '--base', base, '--token', TOKENS.production.alpha, '--judged'], prod.io), 1)
  t.match(prod.err.join('\n'), /^conformance: cannot run against the gateway: .*GW_ERR_WRONG_ENVIRONMENT/)
  const other = capture()
  t.equal(await main(['conformance', '--base', base, '--token', TOKENS.acceptance.alpha, '--judged', '--run', run.id], other.io), 1)
  t.match(other.err.join('\n'), /reading run .*: expected 200, got 404/, "another party's run")
})
