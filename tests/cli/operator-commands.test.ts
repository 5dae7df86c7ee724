/** The operator commands: parties hash-token, stats, dead-letters purge, and --help for every command. */
import { createHash } from 'node:crypto'
import t from 'tap'
import { runDeadLetters } from '../../src/cli/dead-letters.js'
import { COMMANDS, main, type CliIo } from '../../src/cli/main.js'
import { runParties } from '../../src/cli/parties.js'
import { progressBar } from '../../src/cli/progress.js'
import { runStats } from '../../src/cli/stats.js'
import { ALLOW_LOCAL_WEBHOOKS, blinkers, CPAS, publish, until, webhook } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (l) => void lines.push(l), err: (l) => void errors.push(l) }
}

t.test('parties hash-token: argument or stdin, the sha256 the parties file stores', async (t) => {
  const expected = createHash('sha256').update('s3cret-token', 'utf8').digest('hex')
  const arg = io()
  t.equal(await runParties(['hash-token', 's3cret-token'], arg), 0)
  t.same(arg.lines, [expected])
  const piped = io()
  t.equal(await runParties(['hash-token'], piped, () => 's3cret-token\n'), 0, 'from stdin, newline ignored')
  t.same(piped.lines, [expected])
  const dash = io()
  t.equal(await runParties(['hash-token', '-'], dash, () => '  s3cret-token  '), 0)
  t.same(dash.lines, [expected])
  t.equal((await main(['parties', 'hash-token', 'demo-acc-alpha'], io())), 0, 'reachable from the command table')
  for (const [argv, stdin] of [[['hash'], ''], [['hash-token', 'a', 'b'], ''], [['hash-token', '--x'], ''], [['hash-token'], '   '], [['hash-token'], 'with space']] as [string[], string][]) {
    const bad = io()
    t.equal(await runParties(argv, bad, () => stdin), 2, argv.join(' ') || 'empty')
    t.same(bad.lines, [], 'nothing printed')
  }
})

t.test('stats: blinkers per status, queues, dead letters; with --period the statistics', async (t) => {
  const gw = await startGateway(t)
  const env = { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }
  await publish(gw, blinkers(3, CPAS.alpha1))
  const text = io()
  t.equal(await runStats(['--env', 'acceptance'], text, env), 0, text.errors.join('\n'))
  const out = text.lines.join('\n')
  t.match(out, /PUBLISHED\s+3/)
  t.match(out, /forward\s+0 \/ 0 \/ 0 \/ 0/)
  t.match(out, /dead letters: 0/)
  const json = io()
  t.equal(await runStats(['--env', 'acceptance', '--json'], json, env), 0)
  t.match(JSON.parse(json.lines.join('\n')), { env: 'acceptance', blinkersByStatus: { PUBLISHED: 3 }, deadLetters: 0 })
  const period = io()
  t.equal(await runStats(['--env', 'acceptance', '--period', '2026'], period, env), 0, period.errors.join('\n'))
  t.match(period.lines.join('\n'), /statistics 2026 \(ALL\): \d+ of \d+ files with a blinker/)
  const periodJson = io()
  t.equal(await runStats(['--env', 'acceptance', '--period', '2026', '--regime', 'DIS', '--json'], periodJson, env), 0)
  t.match(JSON.parse(periodJson.lines.join('\n')), { summary: { env: 'acceptance' }, statistics: { period: '2026', regime: 'DIS' } })
  for (const argv of [[], ['--env', 'acceptance', '--period', '26'], ['--env', 'acceptance', '--regime', 'X']]) {
    const bad = io()
    t.equal(await runStats(argv, bad, env), 2, argv.join(' '))
    t.match(bad.errors[0], /Usage: blinker-gateway stats/)
  }
})

t.test('dead-letters purge: only those failed before the cutoff, dry run first', async (t) => {
  const gw = await startGateway(t, { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '1', DELIVERY_TIMEOUT_MS: '500' }, { workers: true })
  const hook = await webhook(t, () => 500)
  await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(TOKENS.acceptance.beta), payload: { url: hook.url, secret: 'beta-secret-0123456789' } })
  await publish(gw, blinkers(2, CPAS.beta))
  const queue = gw.contexts.get('acceptance')?.deliveryQueues.get('beta')
  await until(t, 'dead-lettered', async () => (await queue?.getFailedCount()) === 2)
  const env = { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }

  const recent = io()
  t.equal(await runDeadLetters(['purge', '--env', 'acceptance', '--older-than-days', '1'], recent, env), 0, recent.errors.join('\n'))
  t.match(recent.lines.at(-1), /^0 purged/, 'nothing failed more than a day ago')
  const dry = io()
  t.equal(await runDeadLetters(['purge', '--env', 'acceptance', '--older-than-days', '0', '--party', 'beta', '--dry-run'], dry, env), 0)
  t.match(dry.lines.at(-1), /^2 to purge \(dry run/)
  t.equal(await queue?.getFailedCount(), 2, 'dry run removed nothing')
  const one = io()
  t.equal(await runDeadLetters(['purge', '--env', 'acceptance', '--older-than-days', '0', '--limit', '1', '--json'], one, env), 0)
  t.equal(JSON.parse(one.lines.join('\n')).purged.length, 1)
  const rest = io()
  t.equal(await runDeadLetters(['purge', '--env', 'acceptance', '--older-than-days', '0', '--queue', 'delivery-beta'], rest, env), 0)
  t.match(rest.lines.at(-1), /^1 purged/)
  t.equal(await queue?.getFailedCount(), 0, 'the failed set is empty')
  const list = io()
  t.equal(await runDeadLetters(['list', '--env', 'acceptance'], list, env), 0)
  t.match(list.lines.at(-1), /^0 dead letter/)
  const noDays = io()
  t.equal(await runDeadLetters(['purge', '--env', 'acceptance'], noDays, env), 2)
  t.match(noDays.errors[0], /purge needs --older-than-days/)
})

t.test('every command answers --help with its usage; the top help lists them all', async (t) => {
  for (const [name, command] of Object.entries(COMMANDS)) {
    const help = io()
    t.equal(await main([name, '--help'], help), 0, name)
    t.equal(help.lines.join('\n'), command.usage, `${name} --help prints its usage`)
    t.match(command.usage, new RegExp(`Usage: blinker-gateway ${name}\\b`), `${name} usage names the command`)
  }
  const top = io()
  t.equal(await main(['--help'], top), 0)
  for (const name of ['validate', 'dead-letters', 'retention', 'stats', 'parties']) t.match(top.lines.join('\n'), new RegExp(`^  ${name}\\s`, 'm'), `${name} listed`)
})

t.test('progress bars only on a terminal', async (t) => {
  const off = progressBar('x', false)
  off.update(1, 2)
  off.stop()
  const chunks: string[] = []
  const write = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((c: string | Uint8Array) => {
    chunks.push(String(c))
    return true
  }) as typeof process.stderr.write
  try {
    const on = progressBar('purge', true)
    on.update(1, 4, 'forward')
    on.update(4, 4, 'forward')
    on.stop()
  } finally {
    process.stderr.write = write
  }
  t.match(chunks.join(''), /purge \[.*\] 4\/4 forward/, 'the bar is drawn on stderr')
})
