/**
 * `blinker-gateway demo-data`: loads a (small) demo data set into a prefix of the test Redis,
 * idempotently; usage errors exit 2 with the usage text.
 */
import { randomBytes } from 'node:crypto'
import t from 'tap'
import { runDemoData } from '../../src/cli/demo-data.js'
import { main } from '../../src/cli/main.js'
import { loadConfig } from '../../src/config.js'
import { createGateway } from '../../src/gateway.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err }
}

t.test('demo-data loads a data set once, through the services', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const env = { REDIS_URL: testRedisUrl(), KEY_PREFIX: prefix, LOG_LEVEL: 'silent', MAX_EVENT_LOOP_DELAY_MS: '0' }
  const first = capture()
  t.equal(await runDemoData(['--env', 'acceptance', '--cpas', '12', '--feedback-share', '0.5', '--json'], first.io, env), 0, first.err.join('\n'))
  const summary = JSON.parse(first.out.join('\n'))
  t.match(summary, { cpas: 12, rejected: 0, duplicates: 0, years: [2014, 2015, 2016] })
  t.ok(summary.accepted > 100 && summary.accepted === summary.blinkers, `${summary.accepted} blinkers`)
  t.ok(summary.feedback > 0.3 * summary.blinkers, `${summary.feedback} feedback messages`)

  const again = capture()
  t.equal(await runDemoData(['--env', 'acceptance', '--cpas', '12', '--no-trend'], again.io, env), 0)
  t.match(again.out.join('\n'), /: 12 CPAS, years 2016: 0 blinkers published, \d+ already there, 0 rejected/)

  // The gateway sees the data: statistics for 2016 over the 12 CPAS.
  const gw = await createGateway(loadConfig(env), { redisUrl: testRedisUrl() })
  t.teardown(() => gw.close())
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/statistics?period=2016', headers: { authorization: 'Bearer demo-acc-inspection' } })
  t.equal(res.json().distribution.count, 12)
  t.ok(res.json().feedback.perFlow.some((f: { unjustified: number }) => f.unjustified > 0), 'feedback counted per flow')
})

t.test('usage errors', async (t) => {
  for (const args of [[], ['--env', 'staging'], ['--env', 'acceptance', '--cpas', '0'], ['--env', 'acceptance', '--feedback-share', '2'], ['--env', 'acceptance', '--bogus']]) {
    const c = capture()
    t.equal(await runDemoData(args, c.io, { REDIS_URL: testRedisUrl() }), 2, `exit 2 for ${args.join(' ') || 'no arguments'}`)
    t.match(c.err.join('\n'), /Usage: blinker-gateway demo-data/)
  }
  const c = capture()
  t.equal(await runDemoData(['--env', 'production'], c.io, { REDIS_URL: testRedisUrl(), ENVIRONMENTS: 'acceptance' }), 2)
  t.match(c.err.join('\n'), /does not serve production/)
  const help = capture()
  t.equal(await main(['demo-data', '--help'], help.io), 0)
  t.match(help.out.join('\n'), /14 598 \/ 207 237 = 7.04 %/)
  const down = capture()
  t.equal(await runDemoData(['--env', 'acceptance', '--redis', 'redis://127.0.0.1:1'], down.io, {}), 1, 'Redis unreachable: exit 1')
})
