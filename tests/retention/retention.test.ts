/**
 * Retention on a real gateway: closed blinkers and finished feedback older than the cutoff lose
 * their personal data and comments, the rest stays; dry run changes nothing; a second run purges
 * nothing more; the periodic run takes a lock. "Older" is reached by running with a clock moved
 * forward, not by faking stored dates.
 */
import t from 'tap'
import { runRetention } from '../../src/retention/retention.js'
import { runRetentionOnce, startRetention } from '../../src/retention/retention-scheduler.js'
import { runRetentionCommand } from '../../src/cli/retention.js'
import { keys } from '../../src/store/keys.js'
import type { CliIo } from '../../src/cli/io.js'
import { blinker, CPAS, publish, pull, until } from '../helpers/blinkers.js'
import { A, decideOn, feedbackFor, postFeedback } from '../helpers/feedback.js'
import { auth, startGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const DAY = 86_400_000
const later = (days: number) => new Date(Date.now() + days * DAY)

function io(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  return { lines, errors, out: (l) => void lines.push(l), err: (l) => void errors.push(l) }
}

t.test('closed blinkers and finished feedback are purged after the retention age; dry run first', async (t) => {
  const gw = await startGateway(t, {}, { workers: true })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const [closed, open, cancelled] = [blinker(CPAS.alpha1), blinker(CPAS.alpha1), blinker(CPAS.alpha1)]
  t.equal((await publish(gw, [closed, open, cancelled])).statusCode, 202)
  const resolve = await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${closed.blinkerId}/resolve`, headers: auth(A.publisher), payload: { reason: 'FORM_CORRECTED' } })
  t.equal(resolve.statusCode, 200)
  const fb = feedbackFor(cancelled, { code: 999, comment: 'Le bénéficiaire a déclaré ce revenu par courrier' })
  t.equal((await postFeedback(gw, A.alpha, fb)).statusCode, 202)
  await until(t, 'forwarded to the inbox', async () => (await ctx.redis.xlen(keys.inspectionInbox(ctx.keys))) === 1)
  await until(t, 'feedback FORWARDED', async () => (await ctx.redis.hget(keys.feedback(ctx.keys, fb.messageId), 'status')) === 'FORWARDED')
  t.equal((await decideOn(gw, fb.messageId, 'ACCEPTED')).statusCode, 200)
  const countsBefore = await ctx.redis.hgetall(keys.statusCounts(ctx.keys))

  const recent = await runRetention(ctx, { olderThanDays: 400, now: later(10) })
  t.match(recent, { blinkers: { examined: 3, purged: 0 }, feedback: { examined: 1, purged: 0 }, inboxEntries: 0 }, 'nothing old enough yet')

  const phases = new Set<string>()
  const dry = await runRetention(ctx, { olderThanDays: 400, now: later(401), dryRun: true, onProgress: (p) => phases.add(p.phase) })
  t.match(dry, { dryRun: true, blinkers: { purged: 2 }, feedback: { purged: 1 }, inboxEntries: 1 })
  t.same([...phases].sort(), ['blinkers', 'feedback', 'inbox'], 'progress reported for each phase')
  const still = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${closed.blinkerId}`, headers: auth(A.inspection) })
  t.equal(still.json().beneficiary.niss, closed.beneficiary.niss, 'dry run changed nothing')
  t.equal(await ctx.redis.xlen(keys.inspectionInbox(ctx.keys)), 1)

  const real = await runRetention(ctx, { olderThanDays: 400, now: later(401) })
  t.match(real, { dryRun: false, blinkers: { purged: 2 }, feedback: { purged: 1 }, inboxEntries: 1 })
  const purged = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${closed.blinkerId}`, headers: auth(A.inspection) })).json()
  t.notOk(purged.beneficiary, 'no beneficiary left')
  t.notOk(purged.finding.description, 'no free text left')
  t.notOk(purged.form.reference)
  t.match(purged, { blinkerId: closed.blinkerId, cpasKbo: closed.cpasKbo, regime: closed.regime, flow: closed.flow, status: 'CLOSED', form: { type: 'B', periodStart: closed.form.periodStart } })
  t.ok(purged.history.length >= 2, 'history (times and causes) kept')
  t.ok(await ctx.redis.hget(keys.blinker(ctx.keys, closed.blinkerId), 'purgedAt'), 'purgedAt recorded')
  const openNow = (await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${open.blinkerId}`, headers: auth(A.inspection) })).json()
  t.equal(openNow.beneficiary.niss, open.beneficiary.niss, 'an open blinker is never purged')
  const mailbox = (await pull(gw, A.alpha, CPAS.alpha1)).json() as { blinkers: { blinkerId: string }[] }
  t.same(mailbox.blinkers.map((b) => b.blinkerId), [open.blinkerId], 'purged blinkers left the mailbox')
  const doc = JSON.parse((await ctx.redis.hget(keys.feedback(ctx.keys, fb.messageId), 'doc')) ?? '{}') as Record<string, unknown>
  t.notOk(doc.comment, 'the feedback comment is gone')
  t.match(doc, { messageId: fb.messageId, code: 999, blinkerId: cancelled.blinkerId })
  t.equal(await ctx.redis.xlen(keys.inspectionInbox(ctx.keys)), 0, 'inbox trimmed')
  t.equal(countsBefore.CLOSED, '2')
  t.equal(await ctx.redis.hget(keys.statusCounts(ctx.keys), 'CLOSED'), '2', 'blinkers per status untouched: purged ones still count as CLOSED')
  const resent = await postFeedback(gw, A.alpha, fb)
  t.equal(resent.statusCode, 202, 'an identical re-send is still a duplicate with its first receipt')

  const again = await runRetention(ctx, { olderThanDays: 400, now: later(401) })
  t.match(again, { blinkers: { purged: 0 }, feedback: { purged: 0 }, inboxEntries: 0 }, 'a second run purges nothing more')
})

t.test('the periodic run: one process per interval (lock), off with interval 0', async (t) => {
  const gw = await startGateway(t, { RETENTION_DAYS: '1' })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  const logged: unknown[] = []
  const log = { info: (o: unknown) => void logged.push(o), warn: () => {} }
  // The lock outlives the run by far: a run scans the whole keyspace, which on a crowded shared
  // Redis (1.7 million other keys once) took longer than a 5-second lock.
  const first = await runRetentionOnce(ctx, log, 120_000)
  t.ok(first, 'the first process runs')
  t.equal(await runRetentionOnce(ctx, log, 120_000), undefined, 'another process in the same interval skips')
  t.equal(logged.length, 1)
  const off = await startRetention({ ...ctx, config: { ...ctx.config, RETENTION_INTERVAL_MINUTES: 0 } }, testRedisUrl(), gw.app.log)
  t.equal(off.name, 'acceptance/retention')
  await off.close()
  const on = await startRetention(ctx, testRedisUrl(), gw.app.log)
  await on.close()
  t.pass('a scheduled retention closes cleanly')
})

t.test('blinker-gateway retention: dry run, JSON, usage', async (t) => {
  const gw = await startGateway(t)
  const env = { REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix }
  await publish(gw, [blinker(CPAS.beta)])
  const dry = io()
  t.equal(await runRetentionCommand(['--env', 'acceptance', '--dry-run', '--older-than-days', '1'], dry, env), 0, dry.errors.join('\n'))
  t.match(dry.lines.join('\n'), /blinkers {2}would purge 0 of 1 examined[\s\S]*dry run: nothing changed/)
  const json = io()
  t.equal(await runRetentionCommand(['--env', 'acceptance', '--json'], json, env), 0)
  t.match(JSON.parse(json.lines.join('\n')), { env: 'acceptance', dryRun: false, blinkers: { examined: 1, purged: 0 } })
  for (const argv of [[], ['--env', 'staging'], ['--env', 'acceptance', '--older-than-days', '0'], ['--env', 'acceptance', '--nope']]) {
    const bad = io()
    t.equal(await runRetentionCommand(argv, bad, env), 2, argv.join(' '))
    t.match(bad.errors[0], /Usage: blinker-gateway retention/)
  }
  const unserved = io()
  t.equal(await runRetentionCommand(['--env', 'production'], unserved, { ...env, ENVIRONMENTS: 'acceptance' }), 2)
  t.match(unserved.errors[0], /does not serve production/)
})
