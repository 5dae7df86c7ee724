import t from 'tap'
import { runDeadLetters } from '../../src/cli/dead-letters.js'
import { main, type CliIo } from '../../src/cli/main.js'
import { ALLOW_LOCAL_WEBHOOKS, acceptedIds, blinkers, CPAS, publish, until, webhook } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

function io(prefix: string): CliIo & { lines: string[]; errors: string[]; env: Record<string, string> } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), env: { REDIS_URL: testRedisUrl(), KEY_PREFIX: prefix, LOG_LEVEL: 'silent' } }
}
const deadLettersCommand = (argv: string[], cli: ReturnType<typeof io>) => runDeadLetters(argv, cli, cli.env)

t.test('dead-letters list and replay from the CLI: filters, dry run, idempotent replay', async (t) => {
  const gw = await startGateway(t, { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '2', DELIVERY_TIMEOUT_MS: '500' }, { workers: true })
  let broken = true
  const hook = await webhook(t, () => (broken ? 500 : 200))
  await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(TOKENS.acceptance.beta), payload: { url: hook.url, secret: 'beta-secret-0123456789' } })
  const items = blinkers(2, CPAS.beta)
  await publish(gw, items)
  const queue = gw.contexts.get('acceptance')?.deliveryQueues.get('beta')
  await until(t, 'dead-lettered after 2 attempts', async () => (await queue?.getFailedCount()) === 2)

  const list = io(gw.prefix)
  t.equal(await deadLettersCommand(['list', '--env', 'acceptance', '--party', 'beta', '--json'], list), 0, list.errors.join('\n'))
  const letters = JSON.parse(list.lines.join('\n')) as { jobId: string; attempts: number }[]
  t.same(letters.map((l) => l.jobId).sort(), items.map((b) => b.blinkerId).sort())
  t.ok(letters.every((l) => l.attempts === 2))

  const none = io(gw.prefix)
  t.equal(await deadLettersCommand(['list', '--env', 'acceptance', '--until', '2000-01-01T00:00:00Z'], none), 0)
  t.match(none.lines.at(-1), /^0 dead letter/)

  const dry = io(gw.prefix)
  t.equal(await deadLettersCommand(['replay', '--env', 'acceptance', '--queue', 'delivery-beta', '--dry-run'], dry), 0)
  t.match(dry.lines.at(-1), /^2 to replay \(dry run/)
  t.equal(await queue?.getFailedCount(), 2, 'dry run changed nothing')

  broken = false
  const replay = io(gw.prefix)
  t.equal(await deadLettersCommand(['replay', '--env', 'acceptance', '--limit', '1', '--json'], replay), 0)
  t.equal(JSON.parse(replay.lines.join('\n')).replayed.length, 1, '--limit bounds a replay')
  const rest = io(gw.prefix)
  t.equal(await deadLettersCommand(['replay', '--env', 'acceptance'], rest), 0)
  t.match(rest.lines.at(-1), /^1 replayed/)
  await until(t, 'both delivered', () => acceptedIds(hook).length === 2)
  const again = io(gw.prefix)
  t.equal(await deadLettersCommand(['replay', '--env', 'acceptance'], again), 0)
  t.match(again.lines.at(-1), /^0 replayed/, 'replay is idempotent')
  t.same(acceptedIds(hook).sort(), items.map((b) => b.blinkerId).sort(), 'each delivered once')
})

t.test('dead-letters usage errors exit 2', async (t) => {
  for (const argv of [[], ['purge', '--env', 'acceptance'], ['list'], ['list', '--env', 'staging'], ['list', '--env', 'acceptance', '--since', 'yesterday'], ['list', '--env', 'acceptance', '--limit', '0']]) {
    const cli = io('unused')
    t.equal(await deadLettersCommand(argv, cli), 2, argv.join(' '))
    t.match(cli.errors[0], /Usage: blinker-gateway dead-letters/)
  }
  const cli = io('unused')
  cli.env.ENVIRONMENTS = 'production'
  t.equal(await deadLettersCommand(['list', '--env', 'acceptance'], cli), 2, 'environment not served')
})

t.test('an unknown queue is reported, exit 1', async (t) => {
  const gw = await startGateway(t)
  const cli = io(gw.prefix)
  t.equal(await deadLettersCommand(['list', '--env', 'acceptance', '--queue', 'nope'], cli), 1)
  t.match(cli.errors[0], /No queue nope/)
})

t.test('reachable from the CLI table: blinker-gateway dead-letters --help', async (t) => {
  const cli = io('unused')
  t.equal(await main(['dead-letters', '--help'], cli), 0)
  t.match(cli.lines.join('\n'), /dead-letters <list\|replay> --env/)
  const top = io('unused')
  t.equal(await main(['--help'], top), 0)
  t.match(top.lines.join('\n'), /dead-letters\s+list or replay/)
})
