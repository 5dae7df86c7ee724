/**
 * SIGTERM under load, on the real server process (dist/src/server.js, inline workers) with a local
 * inspection back office: the process stops accepting, finishes what is in flight and exits 0
 * within the grace delay; every feedback that got a 202 reaches the back office exactly once —
 * forwarded before the exit, or by a worker process started afterwards on the same Redis.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolve } from 'node:path'
import t from 'tap'
import { blinkers, until } from '../helpers/blinkers.js'
import { feedbackFor } from '../helpers/feedback.js'
import { deleteKeys, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const ROOT = resolve(import.meta.dirname, '../..')
const N = 240
const CLIENTS = 8

function buildIfStale(): void {
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((d) => (d.isDirectory() ? newest(`${dir}/${d.name}`) : statSync(`${dir}/${d.name}`).mtimeMs)))
  const entry = resolve(ROOT, 'dist/src/server.js')
  if (!existsSync(entry) || statSync(entry).mtimeMs < newest(resolve(ROOT, 'src'))) {
    spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' })
  }
}

interface Proc {
  child: ChildProcess
  lines: Record<string, unknown>[]
  exited: Promise<number | null>
}

function startProcess(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [resolve(ROOT, script)], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const lines: Record<string, unknown>[] = []
  let buffer = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8')
    let i
    while ((i = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, i)
      buffer = buffer.slice(i + 1)
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        lines.push({ msg: line })
      }
    }
  })
  child.stderr?.on('data', (chunk: Buffer) => lines.push({ msg: chunk.toString('utf8'), stderr: true }))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return { child, lines, exited }
}

t.test('SIGTERM under load: exit 0, every 202 forwarded exactly once', async (t) => {
  const t0 = Date.now()
  buildIfStale()
  t.comment(`build: ${Date.now() - t0} ms`)
  t.ok(existsSync(resolve(ROOT, 'dist/src/server.js')), 'server built')

  // The inspection back office: counts deliveries per Idempotency-Key, answers after a short delay
  // so that forwards are in flight when SIGTERM arrives.
  const received = new Map<string, number>()
  const backOffice = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'])
      received.set(key, (received.get(key) ?? 0) + 1)
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), 20)
    })
  })
  await new Promise<void>((r) => backOffice.listen(0, '127.0.0.1', () => r()))
  t.teardown(() => new Promise<void>((r) => backOffice.close(() => r())))

  const prefix = `tgs${randomBytes(4).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: testRedisUrl(),
    KEY_PREFIX: prefix,
    INSPECTION_URL: `http://127.0.0.1:${(backOffice.address() as AddressInfo).port}`,
    ENVIRONMENTS: 'acceptance',
    LOG_LEVEL: 'info',
    RATE_LIMIT_MAX: '0',
    WORKER_CONCURRENCY: '4',
  }
  const server = startProcess('dist/src/server.js', { ...env, WORKERS: 'inline' })
  t.teardown(() => void server.child.kill('SIGKILL'))
  const listening = await until(t, 'the server listens', () => server.lines.find((l) => l.msg === 'blinker gateway listening'), 20_000)
  const base = String(listening?.address)
  t.comment(`listening: ${Date.now() - t0} ms`)

  const items = blinkers(N)
  const pub = await fetch(`${base}/acceptance/v1/blinkers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.acceptance.publisher}`, 'content-type': 'application/json' },
    body: JSON.stringify({ blinkers: items }),
  })
  t.equal(pub.status, 202, 'published')

  const feedback = items.map((b) => feedbackFor(b))
  const outcomes: { id: string; status?: number; error?: string; afterSigterm: boolean }[] = []
  let sigtermSent = false
  let next = 0
  const client = async () => {
    while (next < feedback.length) {
      const fb = feedback[next++]
      if (!fb) break
      const afterSigterm = sigtermSent
      try {
        const res = await fetch(`${base}/acceptance/v1/feedback`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKENS.acceptance.alpha}`, 'content-type': 'application/json' },
          body: JSON.stringify(fb),
        })
        await res.arrayBuffer()
        outcomes.push({ id: fb.messageId, status: res.status, afterSigterm })
      } catch (err) {
        outcomes.push({ id: fb.messageId, error: String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message), afterSigterm })
      }
      if (!sigtermSent && outcomes.length >= N * 0.4) {
        sigtermSent = true
        server.child.kill('SIGTERM')
      }
    }
  }
  const started = Date.now()
  await Promise.all(Array.from({ length: CLIENTS }, client))
  const code = await Promise.race([server.exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000))])
  t.equal(code, 0, 'the server exits 0 within the grace delay')
  t.comment(`load + exit: ${Date.now() - started} ms`)
  t.ok(Date.now() - started < 15_000)
  const closing = server.lines.findIndex((l) => l.msg === 'closing')
  const closed = server.lines.findIndex((l) => l.msg === 'closed')
  t.ok(closing >= 0 && closed > closing, 'closing, then closed, logged in order')

  const accepted = outcomes.filter((o) => o.status === 202).map((o) => o.id)
  t.ok(accepted.length >= N * 0.4, `${accepted.length} answered 202 before the close`)
  t.ok(outcomes.some((o) => o.afterSigterm), 'requests kept coming after SIGTERM')
  const unexpected = outcomes.filter((o) => o.status !== undefined && o.status !== 202 && o.status !== 503)
  t.same(unexpected, [], 'every answer is 202, or 503 while closing')
  // A request that got no answer at all was refused at the socket (listener closed): the client
  // knows it was not accepted. No request fails after its 202 (a 202 is a complete answer).
  const errors = new Set(outcomes.filter((o) => o.error).map((o) => o.error))
  for (const e of errors) t.match(e, /^(ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|EPIPE|UND_ERR_CLOSED)$/, `connection-level failure: ${e}`)
  t.comment(`202: ${accepted.length}, 503: ${outcomes.filter((o) => o.status === 503).length}, refused connections: ${outcomes.filter((o) => o.error).length}, forwarded before exit: ${accepted.filter((id) => received.has(id.toLowerCase())).length}`)

  // Whatever was accepted but not yet forwarded is in Redis: a worker process drains it.
  const worker = startProcess('dist/src/worker.js', env)
  t.teardown(() => void worker.child.kill('SIGKILL'))
  await until(t, 'every 202 at the back office', () => accepted.every((id) => received.has(id.toLowerCase())), 30_000, 50)
  t.comment(`drained: ${Date.now() - t0} ms`)
  worker.child.kill('SIGTERM')
  t.equal(await worker.exited, 0, 'the worker process exits 0 on SIGTERM')

  const missing = accepted.filter((id) => !received.has(id.toLowerCase()))
  t.same(missing, [], 'no accepted feedback lost')
  const twice = [...received].filter(([, n]) => n > 1)
  t.same(twice, [], 'none forwarded twice')
})
