/**
 * The outage log: one line when the first watched connection loses Redis, one when the last is
 * back, repeats folded; BullMQ objects' connection errors folded during and just after an outage,
 * otherwise logged once per source per 30 s; other errors logged each time. The emitters stand for
 * ioredis and BullMQ objects (their events are the interface); the real ones are in
 * tests/store/redis-recovery.test.ts.
 */
import { EventEmitter } from 'node:events'
import t from 'tap'
import { isConnectionError, QUIET_MS, RedisStatusLog, redisStatusLog } from '../../src/observability/redis-status-log.js'
import { captureLogger } from './log-capture.js'

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' })

function setup() {
  const { log, lines } = captureLogger('info')
  let now = 1_000_000
  const status = new RedisStatusLog(log, () => now)
  const a = new EventEmitter()
  const b = new EventEmitter()
  const queue = new EventEmitter()
  status.watchClient('a', a)
  status.watchClient('b', b)
  status.watchEmitter('queue', queue)
  return { status, lines, a, b, queue, advance: (ms: number) => (now += ms) }
}

t.test('one line per outage and one at recovery, whatever the retries', async (t) => {
  const { status, lines, a, b, queue, advance } = setup()
  a.emit('ready')
  t.equal(lines.length, 0, 'a first connect is not a recovery')
  for (let i = 0; i < 10; i++) {
    a.emit('error', refused())
    b.emit('error', refused())
    queue.emit('error', refused())
    advance(100)
  }
  t.ok(status.outage)
  t.equal(lines.length, 1)
  t.match(lines[0], { level: 50, source: 'a', code: 'ECONNREFUSED', msg: /^Redis unreachable/ })
  a.emit('ready')
  t.equal(lines.length, 1, 'b is still without Redis: no recovery yet')
  b.emit('ready')
  t.equal(lines.length, 2)
  t.match(lines[1], { level: 30, msg: 'Redis reachable again', downMs: 1000, repeatsFolded: 29 })
  t.notOk(status.outage)
  queue.emit('error', refused())
  t.equal(lines.length, 2, 'a queue connection catching up just after the recovery is folded')
  advance(QUIET_MS + 1)
  queue.emit('error', refused())
  queue.emit('error', refused())
  t.equal(lines.length, 3, 'later, a queue-only connection error is logged, once')
  t.match(lines[2], { level: 40, source: 'queue', msg: /queue object/ })
  advance(QUIET_MS + 1)
  queue.emit('error', refused())
  t.equal(lines.length, 4, 'and again after the quiet interval')
})

t.test('other errors are logged each time; a connection closed while down does not hold the outage open', async (t) => {
  const { status, lines, a, b, queue } = setup()
  a.emit('error', new Error('ERR unknown command'))
  queue.emit('error', new Error('Missing lock for job 1'))
  t.match(lines[0], { level: 50, source: 'a', msg: 'Redis error' })
  t.match(lines[1], { level: 50, source: 'queue', msg: 'queue error' })
  a.emit('error', refused())
  b.emit('error', refused())
  a.emit('end')
  t.ok(status.outage)
  b.emit('ready')
  t.notOk(status.outage)
  t.equal(lines.at(-1)?.msg, 'Redis reachable again')
  for (const e of [new Error('Connection is closed.'), new Error('LOADING Redis is loading the dataset in memory'), Object.assign(new Error('x'), { code: 'ETIMEDOUT' })]) t.ok(isConnectionError(e), e.message)
  t.notOk(isConnectionError('ECONNREFUSED'), 'not an Error')
})

t.test('one status log per logger (per process)', async (t) => {
  const { log } = captureLogger()
  t.equal(redisStatusLog(log), redisStatusLog(log))
  t.not(redisStatusLog(log), redisStatusLog(captureLogger().log))
})
