/**
 * The per-request logger is made only when a request writes a line, and then writes exactly what
 * a pino child would (bindings, redaction, level).
 */
import { Writable } from 'node:stream'
import { pino } from 'pino'
import t from 'tap'
import { loggerOptions } from '../../src/logger.js'
import { lazyChildLogger } from '../../src/observability/lazy-child-logger.js'

function capture(level: string) {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    },
  })
  const parent = pino(loggerOptions(level), stream)
  let children = 0
  // pino children inherit from their parent, so this wrapper also serves them: keep `this`.
  const original = parent.child
  parent.child = function (this: typeof parent, ...args: Parameters<typeof original>) {
    children++
    return original.apply(this, args)
  } as typeof parent.child
  return { parent, lines, children: () => children }
}

const flush = () => new Promise((resolve) => setImmediate(resolve))

t.test('nothing to write: no child is made', async (t) => {
  const { parent, lines, children } = capture('warn')
  const log = lazyChildLogger(parent, { reqId: 'r-1' }, {})
  log.info({ a: 1 }, 'not at warn')
  log.debug('nor this')
  log.silent('never')
  t.equal(log.level, 'warn')
  t.equal(log.isLevelEnabled('info'), false)
  await flush()
  t.equal(children(), 0)
  t.same(lines, [])
})

t.test('a line to write: one child, the same line a pino child writes', async (t) => {
  const { parent, lines, children } = capture('warn')
  const log = lazyChildLogger(parent, { reqId: 'r-2' }, {})
  log.warn({ niss: '85073003328', route: '/x' }, 'first')
  log.error('second')
  await flush()
  t.equal(children(), 1, 'made once, on the first line')
  t.match(lines, [
    { level: 40, reqId: 'r-2', niss: '[redacted]', route: '/x', msg: 'first', service: 'blinker-gateway' },
    { level: 50, reqId: 'r-2', msg: 'second' },
  ])
})

t.test('level, child and isLevelEnabled follow the real child once it exists', async (t) => {
  const { parent, lines } = capture('warn')
  const log = lazyChildLogger(parent, { reqId: 'r-3' }, {})
  log.level = 'debug'
  t.equal(log.level, 'debug')
  t.equal(parent.level, 'warn', 'the parent keeps its level')
  log.debug('now written')
  log.child({ step: 'store' }).info('from a grandchild')
  await flush()
  t.match(lines, [
    { level: 20, reqId: 'r-3', msg: 'now written' },
    { level: 30, reqId: 'r-3', step: 'store', msg: 'from a grandchild' },
  ])
})

t.test('each level method writes at its own level', async (t) => {
  const { parent, lines } = capture('trace')
  const log = lazyChildLogger(parent, { reqId: 'r-4' }, {})
  for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) log[level](`at ${level}`)
  await flush()
  t.same(
    lines.map((l) => `${l.level} ${l.msg}`),
    ['60 at fatal', '50 at error', '40 at warn', '30 at info', '20 at debug', '10 at trace'],
  )
})
