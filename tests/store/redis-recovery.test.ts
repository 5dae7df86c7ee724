/**
 * Recovery after a Redis restart (issue 17, item 10). A private redis-server with AOF gets enough
 * data to be LOADING for a while after a restart; it is killed -9 and restarted on the same port
 * and folder. From the first PONG (loading done, Redis serving), every kind of gateway connection
 * — the command connection, a worker connection, a BullMQ queue and worker on them — must succeed
 * within 1 s (ioredis alone waits out Redis's whole-second LOADING estimate, up to 10 s). During
 * the outage nothing is printed raw to stderr: one log line when Redis is lost, one when it is back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import t from 'tap'
import { redisStatusLog } from '../../src/observability/redis-status-log.js'
import { commandConnection, LOADING_POLL_MS, RECONNECT_MAX_MS, workerConnection } from '../../src/store/redis-client.js'
import { redisAnswers, startPrivateRedis } from '../../src/store/redis-resolve.js'
import { captureLogger } from '../observability/log-capture.js'

const KEYS = 40_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * redis-server on `port` and `dir` with AOF, as the gateway's private one. `slowLoad`: Redis's own
 * test settings make loading take seconds whatever the machine (a delay per key) and answer
 * LOADING meanwhile (events processed every KB) — what a large dataset does in production.
 */
function redisServer(port: number, dir: string, slowLoad = false): ChildProcess {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction']
  if (slowLoad) args.push('--key-load-delay', '100', '--loading-process-events-interval-bytes', '1024')
  return spawn('redis-server', args, { stdio: 'ignore' })
}

/** PING on a fresh connection: 'PONG', 'LOADING' or 'down'. */
async function probe(port: number): Promise<string> {
  const { Socket } = await import('node:net')
  return new Promise((resolve) => {
    const s = new Socket()
    const done = (v: string) => {
      s.destroy()
      resolve(v)
    }
    s.setTimeout(500, () => done('down'))
    s.once('error', () => done('down'))
    s.once('data', (d) => done(d.toString().startsWith('+PONG') ? 'PONG' : d.toString().startsWith('-LOADING') ? 'LOADING' : 'other'))
    s.connect(port, '127.0.0.1', () => s.write('PING\r\n'))
  })
}

/** Runs `attempt` every 10 ms until it succeeds; resolves with the time of the first success. */
async function firstSuccess(attempt: () => Promise<unknown>, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    try {
      await Promise.race([attempt(), sleep(300).then(() => Promise.reject(new Error('slow')))])
      return Date.now()
    } catch {
      await sleep(10)
    }
  }
  return Infinity
}

t.test('every connection kind has bounded reconnection and LOADING waits (the bounds the 1 s rests on)', async (t) => {
  t.ok(LOADING_POLL_MS <= 200 && RECONNECT_MAX_MS <= 500)
  const cmd = commandConnection('redis://127.0.0.1:1', { lazyConnect: true })
  const wrk = workerConnection('redis://127.0.0.1:1', { lazyConnect: true })
  const blocking = wrk.duplicate()
  for (const [name, c] of [['command', cmd], ['worker', wrk], ['BullMQ blocking duplicate', blocking]] as const) {
    t.equal(c.options.maxLoadingRetryTime, LOADING_POLL_MS, `${name}: LOADING re-checked every ${LOADING_POLL_MS} ms`)
    t.equal(c.options.retryStrategy?.(1000), RECONNECT_MAX_MS, `${name}: reconnects at most ${RECONNECT_MAX_MS} ms apart`)
    c.disconnect()
  }
})

t.test('after kill -9 and a restart that LOADs, every connection works within 1 s of the first PONG; one log line each way', async (t) => {
  // A free port from the gateway's own helper; then our own server there, so a restart may LOAD as long as it takes.
  const first = await startPrivateRedis({})
  const port = first.port
  await first.stop()
  const dir = mkdtempSync(join(tmpdir(), 'blinker-recovery-'))
  const url = `redis://127.0.0.1:${port}`
  let server = redisServer(port, dir)
  t.teardown(() => {
    server.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  while (!(await redisAnswers('127.0.0.1', port, 200))) await sleep(50)
  const filler = new Redis(url)
  for (let i = 0; i < KEYS; i += 2000) {
    const args: string[] = []
    for (let j = i; j < i + 2000; j++) args.push(`k${j}`, 'v'.repeat(40))
    await filler.mset(...args)
  }
  await filler.set('probe', 'here')
  // Then a few large values in db 1, which the RDB stores after db 0: most bytes load last and
  // fast, so Redis's byte-based estimate of the remaining time is far too long early on — the
  // estimate ioredis waits out by default (the 9.7 s of the fault run).
  await filler.select(1)
  for (let i = 0; i < 40; i++) await filler.set(`big${i}`, 'x'.repeat(500_000))
  await filler.select(0)
  // Into the AOF's RDB base file: the part of loading the per-key delay applies to.
  await filler.bgrewriteaof()
  while (/aof_rewrite_(in_progress|scheduled):1/.test(await filler.info('persistence'))) await sleep(50)
  filler.disconnect()

  const { log, lines } = captureLogger('info')
  const status = redisStatusLog(log)
  const cmd = commandConnection(url)
  const wrk = workerConnection(url)
  status.watchClient('command connection', cmd)
  status.watchClient('worker connection', wrk)
  const queue = new Queue('recovery', { connection: cmd, prefix: 'redis-recovery' })
  const worker = new Worker('recovery', async () => 'done', { connection: wrk, prefix: 'redis-recovery', autorun: true })
  status.watchEmitter('queue', queue)
  status.watchEmitter('worker', worker)
  await worker.waitUntilReady()
  t.teardown(async () => {
    await worker.close(true).catch(() => {})
    await queue.close().catch(() => {})
    cmd.disconnect()
    wrk.disconnect()
  })
  const stderr: string[] = []
  const original = console.error
  console.error = (...args: unknown[]) => void stderr.push(args.map(String).join(' '))
  t.teardown(() => {
    console.error = original
  })

  const exited = new Promise((r) => server.once('exit', r))
  server.kill('SIGKILL')
  await exited
  await sleep(1500)
  await t.rejects(cmd.get('probe'), 'the command connection fails fast while Redis is down')
  t.ok(status.outage, 'the outage is known')

  const seen = new Set<string>()
  let firstPong = 0
  const watching = (async () => {
    for (let i = 0; i < 6000 && !firstPong; i++) {
      const answer = await probe(port)
      seen.add(answer)
      if (answer === 'PONG') firstPong = Date.now()
      else await sleep(5)
    }
  })()
  const deadline = Date.now() + 120_000
  server = redisServer(port, dir, true)
  const [cmdOk, wrkOk, queueOk] = await Promise.all([
    firstSuccess(async () => {
      if ((await cmd.get('probe')) !== 'here') throw new Error('not yet')
    }, deadline),
    firstSuccess(() => wrk.get('probe'), deadline),
    firstSuccess(() => queue.getJobCounts('waiting'), deadline),
  ])
  await watching
  t.ok(seen.has('LOADING'), `Redis was LOADING for a while after the restart (answers seen: ${[...seen].join(', ')})`)
  t.ok(firstPong > 0, 'Redis answered PONG')
  for (const [name, at] of [['command connection', cmdOk], ['worker connection', wrkOk], ['BullMQ queue', queueOk]] as const) {
    t.ok(at - firstPong < 1000, `${name}: first success ${at - firstPong} ms after the first PONG (< 1000)`)
  }
  const job = await queue.add('after', {})
  t.equal(await firstSuccess(async () => {
    if (!(await job.isCompleted())) throw new Error('not yet')
  }, Date.now() + 10_000) < Infinity, true, 'the worker runs jobs again')

  const lost = lines.filter((l) => l.msg?.toString().startsWith('Redis unreachable'))
  const back = lines.filter((l) => l.msg === 'Redis reachable again')
  t.equal(lost.length, 1, 'one line when Redis is lost, not one per retry')
  t.equal(back.length, 1, 'one line when it is back')
  t.match(back[0], { level: 30, downMs: Number, repeatsFolded: Number })
  t.ok(Number(back[0]?.repeatsFolded) > 0, 'the retries were folded into those two lines')
  t.same(stderr.filter((l) => /ECONNREFUSED|Unhandled error/.test(l)), [], 'nothing raw on stderr')
})
