/**
 * The bench's plumbing at a very small scale, so `npm test` keeps it compiling and honest: the
 * load driver (closed and open loop, error accounting) against the real baselines and a real
 * gateway, the load-generator and back-office child processes, the worker baseline forwarding,
 * the mailbox drain, and one whole scenario (REST single feedback, one round of 300 ms) through
 * the same harness `npm run bench` uses.
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import t from 'tap'
import { backOfficeServer } from '../../bench/baselines/back-office.js'
import { BASELINE_QUEUES, restBaseline } from '../../bench/baselines/rest-baseline.js'
import { soapBaseline } from '../../bench/baselines/soap-baseline.js'
import { soapFloor } from '../../bench/baselines/soap-floor.js'
import { workerBaseline } from '../../bench/baselines/worker-baseline.js'
import { compactAof, usedMemory, type BenchContext } from '../../bench/lib/harness.js'
import { runLoad } from '../../bench/lib/load-driver.js'
import { cpuMs, freePort, loadInChild, rssBytes, startNode, waitHttp, withPeakRss } from '../../bench/lib/processes.js'
import { evaluateTargets } from '../../bench/lib/report.js'
import { soapFeedback, type Target } from '../../bench/lib/requests.js'
import { drain, mailbox } from '../../bench/scenarios/mailbox.js'
import { publish, PUBLISH_CPAS } from '../../bench/scenarios/publish.js'
import { restSingle } from '../../bench/scenarios/rest-single.js'
import { soapSubmit } from '../../bench/scenarios/soap.js'
import { loginCookie, pages } from '../../bench/scenarios/pages.js'
import { startPrivateRedis } from '../../src/store/redis-resolve.js'
import { deleteKeys, startGateway, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const listenOn = async (app: { listen(o: { host: string; port: number }): Promise<string> }) => app.listen({ host: '127.0.0.1', port: 0 })

t.test('baselines, load driver, children and one scenario', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const redis = new Redis(testRedisUrl())
  t.teardown(() => redis.disconnect())

  const base = await restBaseline(testRedisUrl(), prefix)
  t.teardown(() => base.close())
  const baseOrigin = await listenOn(base.app)

  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' })
  const gwOrigin = await listenOn(gw.app)
  // On a busy machine the gateway sheds load (503 GW_ERR_OVERLOADED) while its event loop is still
  // slow from start-up; the bench's own warm-up plays this role, here readiness is awaited.
  const ready = Date.now() + 30_000
  while ((await gw.app.inject({ method: 'GET', url: '/health/ready' })).statusCode !== 200 && Date.now() < ready) await new Promise((r) => setTimeout(r, 100))

  // Blinkers for feedback, published through the gateway by the driver itself (kind 'publish').
  const published = await runLoad({
    origin: gwOrigin,
    connections: 1,
    amount: 2,
    request: { kind: 'publish', path: '/acceptance/v1/blinkers', token: TOKENS.acceptance.publisher, cpasKbo: PUBLISH_CPAS, size: 500, year: 2029, firstSeq: 1, expectStatus: 202, expectBody: '"accepted":500' },
  })
  t.match(published, { requests: 2, ok: 2, errors: 0 }, '1000 blinkers published in 2 batches')
  const targets: Target[] = [1, 2, 3].map((seq) => ({ blinkerId: `CLI-2029-${String(seq).padStart(9, '0')}`, cpasKbo: PUBLISH_CPAS }))

  await t.test('load driver: closed loop, open loop, errors', async (t) => {
    const closed = await runLoad({ origin: baseOrigin, connections: 2, amount: 20, request: { kind: 'feedback', path: '/feedback', targets, expectStatus: 202, expectBody: '"RECEIVED"' } })
    t.match(closed, { requests: 20, ok: 20, errors: 0 })
    t.equal(closed.latency.count, 20)
    t.ok(closed.rps > 0 && closed.latency.p99 >= closed.latency.p50)
    const queue = new Queue(BASELINE_QUEUES.feedback, { connection: redis, prefix })
    t.teardown(() => queue.close())
    t.equal(await queue.count(), 20, 'the baseline added one job per request, each with its own messageId')

    const open = await runLoad({ origin: baseOrigin, connections: 2, rate: 40, durationMs: 500, warmupMs: 0, request: { kind: 'feedback-batch', size: 5, path: '/feedback-batch', targets, expectStatus: 202, expectBody: '"rejected":[]' } })
    // Paced, not flooded: 20 are due in 500 ms at 40/s (a closed loop on 2 connections sends hundreds);
    // the margin covers timer granularity on a loaded machine.
    t.ok(open.requests >= 15 && open.requests <= 26, `open loop paces requests (${open.requests} in 500 ms at 40/s)`)
    t.equal(open.errors, 0)
    t.equal(await queue.count(), 20 + open.ok * 5)
    // The lead-in is sent (the server sees it) but not counted: the load process starts warm.
    const beforeWarm = await queue.count()
    const warmed = await runLoad({ origin: baseOrigin, connections: 2, rate: 40, durationMs: 300, warmupMs: 300, request: { kind: 'feedback-batch', size: 5, path: '/feedback-batch', targets, expectStatus: 202, expectBody: '"rejected":[]' } })
    const sent = ((await queue.count()) - beforeWarm) / 5
    t.ok(warmed.requests <= 16 && sent >= warmed.requests + 8, `warm-up sent but not counted (${sent} sent, ${warmed.requests} counted)`)

    const refused = await runLoad({ origin: baseOrigin, connections: 1, amount: 2, request: { kind: 'feedback', path: '/feedback', targets: [{ blinkerId: 'CLI-2029-000000001', cpasKbo: '0212344877' }], expectStatus: 202 } })
    t.match(refused, { ok: 0, errors: 2 }, 'a bad kbo checksum is refused by the baseline schema too')
    t.match(refused.firstError, /^400 /)
    const unreachable = await runLoad({ origin: `http://127.0.0.1:${await freePort()}`, connections: 1, amount: 1, request: { kind: 'mailbox', path: '/x', cursors: [''], limit: 1, expectStatus: 200 } })
    t.match(unreachable, { ok: 0, errors: 1 })
    t.ok(unreachable.firstError, 'a network error is reported')
    await t.rejects(runLoad({ origin: baseOrigin, connections: 1, request: { kind: 'feedback', path: '/feedback', targets, expectStatus: 202 } }), /durationMs or amount/)

    const blinkers = await runLoad({ origin: baseOrigin, connections: 1, amount: 1, request: { kind: 'publish', path: '/blinkers', cpasKbo: PUBLISH_CPAS, size: 7, year: 2029, firstSeq: 5000, expectStatus: 202, expectBody: '"accepted":7' } })
    t.equal(blinkers.ok, 1)
  })

  await t.test('the gateway side: REST, SOAP and the mailbox drain', async (t) => {
    const rest = await runLoad({ origin: gwOrigin, connections: 2, amount: 6, request: { kind: 'feedback', path: '/acceptance/v1/feedback', token: TOKENS.acceptance.alpha, targets, expectStatus: 202, expectBody: '"RECEIVED"' } })
    t.match(rest, { ok: 6, errors: 0 }, 'feedback accepted by the real gateway')
    const soap = await runLoad({ origin: gwOrigin, connections: 1, amount: 2, request: { kind: 'soap-feedback', path: '/acceptance/soap', token: TOKENS.acceptance.alpha, targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' } })
    t.match(soap, { ok: 2, errors: 0 }, 'the SOAP envelope is XSD-valid for the gateway')
    const walked = await drain(gwOrigin, `/acceptance/v1/cpas/${PUBLISH_CPAS}/blinkers`, 100_000)
    t.equal(walked.items, 1000)
    t.equal(walked.cursors.length, 2)
    t.equal(walked.cursors[0], '', 'the first page has no cursor')
    t.equal(walked.latencies.length, 3, 'two full pages and the short one that ends the walk')
    const pages = await runLoad({ origin: gwOrigin, connections: 2, amount: 4, request: { kind: 'mailbox', path: `/acceptance/v1/cpas/${PUBLISH_CPAS}/blinkers`, token: TOKENS.acceptance.alpha, cursors: walked.cursors, limit: 500, expectStatus: 200, expectBody: '"next"' } })
    t.match(pages, { ok: 4, errors: 0 })
    await t.rejects(drain(gwOrigin, '/acceptance/v1/cpas/0207017596/blinkers', 10), /mailbox answered 403/, 'a refused page stops the drain')
  })

  await t.test('the node-soap baseline answers SubmitFeedback', async (t) => {
    const soap = await soapBaseline(testRedisUrl(), prefix, 0)
    t.teardown(() => soap.close())
    const origin = `http://127.0.0.1:${(soap.server.address() as AddressInfo).port}`
    const r = await runLoad({ origin, connections: 1, amount: 3, request: { kind: 'soap-feedback', path: '/soap', targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' } })
    t.match(r, { ok: 3, errors: 0 })
  })

  await t.test('the SOAP floor validates against the XSD, then queues', async (t) => {
    const floor = await soapFloor(testRedisUrl(), prefix, 0)
    t.teardown(() => floor.close())
    const origin = `http://127.0.0.1:${(floor.server.address() as AddressInfo).port}`
    const jobs = new Queue(BASELINE_QUEUES.feedback, { connection: redis, prefix })
    t.teardown(() => jobs.close())
    const before = await jobs.count()
    const r = await runLoad({ origin, connections: 1, amount: 3, request: { kind: 'soap-feedback', path: '/soap', targets, expectStatus: 200, expectBody: 'SubmitFeedbackResponse' } })
    t.match(r, { ok: 3, errors: 0 })
    t.equal((await jobs.count()) - before, 3, 'one job per valid call')
    const [job] = await jobs.getWaiting(0, 0)
    t.match(job?.data, { blinkerId: /^CLI-/, code: '131', sentAt: '2026-02-12T09:00:00+01:00' }, 'fields read from the validated body')
    const post = (body: string) => fetch(`${origin}/soap`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body })
    const valid = soapFeedback(targets[0] as Target)
    t.equal((await post(valid.replace('<gw:code>131</gw:code>', '<gw:code>abc</gw:code>'))).status, 500, 'an XSD-invalid code is refused')
    t.equal((await post(valid.slice(0, -10))).status, 500, 'malformed XML is refused')
    t.equal((await jobs.count()) - before, 3, 'refused calls queue nothing')
    t.equal((await fetch(`${origin}/health`)).status, 200)
  })

  await t.test('worker baseline forwards to the back office', async (t) => {
    const office = await backOfficeServer(0)
    t.teardown(() => office.close())
    const officeUrl = `http://127.0.0.1:${(office.server.address() as AddressInfo).port}`
    const worker = await workerBaseline(testRedisUrl(), prefix, officeUrl, 4)
    t.teardown(() => worker.close())
    const sent = await runLoad({ origin: baseOrigin, connections: 1, amount: 1, request: { kind: 'feedback-batch', size: 5, path: '/e2e-batch', targets, expectStatus: 202 } })
    t.equal(sent.ok, 1)
    const deadline = Date.now() + 10_000
    while (office.state.count < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    t.equal(office.state.count, 5, 'every job reached the back office')
    t.ok(office.state.lastAt > 0)
  })

  await t.test('child processes: load generator, back office over IPC, RSS and CPU', async (t) => {
    const viaChild = await loadInChild('bench/lib/load-child.ts', { origin: baseOrigin, connections: 1, amount: 3, request: { kind: 'feedback', path: '/feedback', targets, expectStatus: 202 } })
    t.match(viaChild, { ok: 3, errors: 0 }, 'the generator process ran the load and answered')
    await t.rejects(loadInChild('bench/lib/load-child.ts', { origin: baseOrigin, connections: 1, request: { kind: 'feedback', path: '/feedback', targets, expectStatus: 202 } }), /load generator: runLoad needs/)

    const port = await freePort()
    const office = startNode('back office', 'bench/baselines/back-office.ts', { PORT: String(port) })
    t.teardown(() => office.stop())
    await waitHttp(office, `http://127.0.0.1:${port}/health`)
    const state = await new Promise<{ count: number }>((resolve) => {
      office.process.once('message', resolve)
      office.process.send({ type: 'count' })
    })
    t.equal(state.count, 0)
    t.ok(rssBytes(office.process.pid) > 1024 * 1024, 'RSS read from /proc')
    t.ok(cpuMs(office.process.pid) >= 0)
    t.ok(Number.isNaN(rssBytes(undefined)) && Number.isNaN(cpuMs(undefined)) && Number.isNaN(rssBytes(2 ** 30)))
    const peak = await withPeakRss([office.process.pid], async () => 'done', 10)
    t.equal(peak.value, 'done')
    t.ok(peak.peakRss > 0)
    await office.stop()
    t.equal(office.process.signalCode ?? office.process.exitCode, 0, 'the back office closes on SIGTERM')
    await t.rejects(waitHttp(office, `http://127.0.0.1:${port}/health`, 200), /exited/)
  })

  await t.test('scenarios end to end through the harness', async (t) => {
    const logs: string[] = []
    let seq = 1
    const soapBase = await soapBaseline(testRedisUrl(), prefix, 0)
    t.teardown(() => soapBase.close())
    const floor = await soapFloor(testRedisUrl(), prefix, 0)
    t.teardown(() => floor.close())
    const originOf = (server: { address(): unknown }) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const ctx: BenchContext = {
      settings: { quick: true, rounds: 1, durationMs: 300, publishTotal: 1000, e2eMessages: 10 },
      redisUrl: testRedisUrl(),
      redisPid: undefined,
      redis,
      gateway: { origin: gwOrigin, children: [] },
      rest: { origin: baseOrigin, children: [] },
      soap: { origin: originOf(soapBase.server), children: [] },
      soapFloor: { origin: originOf(floor.server), children: [] },
      targets,
      load: runLoad,
      scripts: { gatewayServer: '', gatewayWorker: '', backOffice: '', workerBaseline: '', restBaseline: '' },
      gatewayEnv: {},
      gatewayExecArgv: [],
      nextSeq: (n) => (seq += n) - n,
      log: (m) => logs.push(m),
      aof: { rewrites: 0, ms: 0 },
    }
    t.ok((await usedMemory(redis)) > 0)
    const result = await restSingle(ctx)
    t.equal(result.id, 'rest-single')
    t.ok(result.gateway.throughput > 0 && (result.baseline?.throughput ?? 0) > 0, 'both sides measured')
    t.equal(result.gateway.errors + (result.baseline?.errors ?? 1), 0)
    t.ok(Number.isFinite(result.gateway.halfP99), 'half load measured')
    t.ok(Number.isFinite(result.redisBytesPerItem ?? Number.NaN))
    t.equal(logs.length, 2, 'one line per side and round')
    logs.length = 0
    const soap = await soapSubmit(ctx)
    t.equal(soap.gateway.errors + (soap.baseline?.errors ?? 1) + (soap.reference?.result.errors ?? 1), 0, 'SOAP: gateway, node-soap and floor all answered')
    t.equal(soap.rounds.reference?.length, 1, 'the floor is measured in the same rounds')
    t.ok((soap.reference?.result.throughput ?? 0) > 0 && Number.isNaN(soap.reference?.result.halfP99), 'the floor at full load only')
    t.match(soap.notes[1], /^floor \(no target\) = .* req\/s = [\d.]+× node-soap, CPU/)
    t.same(logs.map((l) => /round 1 (\w+)/.exec(l)?.[1]), ['gateway', 'baseline', 'reference'], 'gateway, baseline, floor in turn')
    logs.length = 0
    const pub = await publish(ctx)
    t.equal(pub.gateway.errors + (pub.baseline?.errors ?? 1), 0, 'publish: every batch accepted on both sides')
    t.ok((pub.redisBytesPerItem ?? 0) > 0, 'publish: Redis memory per blinker measured')
    const box = await mailbox(ctx)
    t.equal(box.gateway.errors, 0)
    t.match(box.title, /500 per page, [\d,]+ stored and paged/)
    t.notOk(box.baseline, 'the mailbox has no raw baseline')
    const checks = evaluateTargets([result, soap, pub, box])
    t.same(checks.map((c) => c.target), [
      'rest-single: throughput ratio to baseline',
      'rest-single: gateway p99 at half load',
      'soap: throughput ratio to baseline',
      'soap: gateway p99 at half load',
      'publish: throughput ratio to baseline',
      'publish: Redis memory per blinker',
      'mailbox: gateway p99 at half load',
    ])
    t.equal(logs.length, 4, 'publish: gateway and baseline lines; mailbox: the drain and the round')
  })
})

t.test('pages scenario: demo data, forward worker, login and the four pages at a small scale', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '0' })
  const origin = await listenOn(gw.app)
  const redis = new Redis(testRedisUrl())
  t.teardown(() => redis.disconnect())
  const logs: string[] = []
  const ctx = {
    settings: { quick: true, rounds: 1, durationMs: 300, publishTotal: 1000, e2eMessages: 10 },
    redisUrl: testRedisUrl(),
    redis,
    gateway: { origin, children: [] },
    log: (m: string) => logs.push(m),
  } as unknown as BenchContext
  const result = await pages(ctx, { keyPrefix: gw.prefix, cpasLimit: 4, samples: 3, warmup: 1 })
  t.equal(result.id, 'pages')
  t.same(result.pages?.map((p) => p.name), ['dashboard', 'CPAS page', 'pending', 'follow-ups'])
  t.same(result.pages?.map((p) => p.errors), [0, 0, 0, 0], 'every GET answered a 200 HTML page')
  t.ok(result.pages?.every((p) => p.count === 3 && Number.isFinite(p.p99) && p.p99 >= p.p50 && p.bytes > 1000), 'three measured GETs per page')
  t.match(result.pages?.[1]?.path, /^\/production\/dashboard\/cpas\/\d{10}$/, 'the CPAS page of a demo CPAS')
  const forwarded = Number(/\((\d+) FORWARDED/.exec(result.notes[0] ?? '')?.[1])
  t.ok(forwarded > 0, `the demo feedback was forwarded: the pending list is not empty (${forwarded})`)
  t.equal(await redis.zcard(`${gw.prefix}:production:ix:fb:RECEIVED`), 0, 'none left RECEIVED')
  t.equal(result.gateway.p99, Math.max(...(result.pages ?? []).map((p) => p.p99)), 'the row shows the slowest page')
  t.same(evaluateTargets([result]).map((c) => c.target), ['pages: dashboard p99', 'pages: CPAS page p99', 'pages: pending p99', 'pages: follow-ups p99'])
  t.match(logs[0], /demo data into .*:production: .* 4 CPAS/)
  await t.rejects(loginCookie(`http://127.0.0.1:${await freePort()}`, 'production'), 'no gateway, no cookie')
})

t.test('compactAof: rewrites an AOF grown past the limit and waits for it; a small one or none is left alone', async (t) => {
  const server = await startPrivateRedis({ appendfsync: 'everysec' })
  t.teardown(() => server.stop())
  const redis = new Redis(server.url)
  t.teardown(() => redis.disconnect())
  const rewrites = async () => Number(/aof_rewrites:(\d+)/.exec(await redis.info('persistence'))?.[1])
  await redis.set('k', 'v'.repeat(1000))
  const before = await rewrites()
  const ctx = { redis, aof: { rewrites: 0, ms: 0 } } as unknown as BenchContext
  await compactAof(ctx)
  t.equal(await rewrites(), before, 'grown by less than AOF_COMPACT_AFTER: left alone')
  await compactAof(ctx, 1)
  await redis.set('k2', 'w'.repeat(1000))
  await compactAof(ctx, 1)
  t.equal(await rewrites(), before + 2, 'grown past the limit given: two rewrites ran')
  t.match(await redis.info('persistence'), /aof_rewrite_in_progress:0/, 'and each was finished before compactAof returned')
  t.equal(ctx.aof.rewrites, 2)
  t.ok(ctx.aof.ms >= 0)

  await redis.config('SET', 'appendonly', 'no')
  await compactAof(ctx, 0)
  t.equal(ctx.aof.rewrites, 2, 'no AOF: nothing done, nothing counted')
})
