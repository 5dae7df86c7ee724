/**
 * A blinker of a new flow for a CPAS whose software house has not opted in: on the CPAS's
 * transition list (CSV and xlsx), not in its mailbox, no push job and no webhook call, counted on
 * the dashboard in three languages. After the software house opts in (its parties file lists the
 * flow, the gateway restarts on the same Redis), the next one is delivered electronically: mailbox
 * and webhook. A code outside the catalogue is refused at publication.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { Test } from 'tap'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import type { EnvContext } from '../../src/context.js'
import { FLOWS, type Blinker } from '../../src/domain/model.js'
import { createGateway, type Gateway } from '../../src/gateway.js'
import { demoPartiesFile } from '../../src/parties/parties.js'
import { deliveryOutboxKey } from '../../src/store/publish-store.js'
import { keys } from '../../src/store/keys.js'
import { ALLOW_LOCAL_WEBHOOKS, acceptedIds, blinker, CPAS, until, webhook, type Webhook } from '../helpers/blinkers.js'
import { auth, deleteKeys, TOKENS } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const A = TOKENS.acceptance
const FAST = { ...ALLOW_LOCAL_WEBHOOKS, DELIVERY_BACKOFF_MS: '50', DELIVERY_ATTEMPTS: '3', DELIVERY_TIMEOUT_MS: '500' }
const month = new Date().toISOString().slice(0, 7)
const dir = mkdtempSync(join(tmpdir(), 'bgw-flow-routing-'))

/** The demo parties with beta's acceptedFlows as given (undefined: the default). */
function partiesFile(betaFlows: string[] | undefined): string {
  const file = demoPartiesFile()
  const beta = file.acceptance?.parties.find((p) => p.id === 'beta')
  if (beta && betaFlows) beta.acceptedFlows = betaFlows
  const path = join(dir, `parties-${randomBytes(4).toString('hex')}.json`)
  writeFileSync(path, JSON.stringify(file))
  return path
}

/** A gateway with workers on a given key prefix, so a restart keeps the data (keys removed on teardown). */
async function start(t: Test, prefix: string, parties: string): Promise<Gateway & { env: EnvContext }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', KEY_PREFIX: prefix, MAX_EVENT_LOOP_DELAY_MS: '0', AUTH_FAILURES_PER_ADDRESS: '0', PARTIES_FILE: parties, ...FAST })
  const gw = await createGateway(config, { redisUrl: testRedisUrl(), workers: true })
  let closed = false
  const close = gw.close.bind(gw)
  gw.close = async () => {
    if (closed) return
    closed = true
    await close()
  }
  t.teardown(() => gw.close().catch(() => {}))
  return { ...gw, env: gw.contexts.get('acceptance') as EnvContext }
}

const publish = (gw: Gateway, items: unknown[]) => gw.app.inject({ method: 'POST', url: '/acceptance/v1/blinkers', headers: auth(A.publisher), payload: { blinkers: items } })
const mailboxIds = async (gw: Gateway, kbo: string) =>
  ((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${kbo}/blinkers?limit=500`, headers: auth(A.beta) })).json() as { blinkers: Blinker[] }).blinkers.map((b) => b.blinkerId)
const statusOf = async (gw: Gateway, id: string) => ((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${id}`, headers: auth(A.inspection) })).json() as { status: string }).status
const download = (gw: Gateway, kbo: string, format: 'csv' | 'xlsx') =>
  gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${kbo}/transition-list?month=${month}&format=${format}&lang=en`, headers: auth(A.inspection) })

async function xlsxRows(body: Buffer): Promise<{ blinkerId: string; flow: string }[]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(body as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0] as ExcelJS.Worksheet
  const head: string[] = []
  sheet.getRow(1).eachCell((c, i) => void (head[i] = String(c.value)))
  const rows: { blinkerId: string; flow: string }[] = []
  sheet.eachRow((row, i) => {
    if (i > 1) rows.push({ blinkerId: String(row.getCell(head.indexOf('Blinker ID')).value), flow: String(row.getCell(head.indexOf('Flow')).value) })
  })
  return rows
}

async function subscribe(gw: Gateway, hook: Webhook): Promise<void> {
  const res = await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(A.beta), payload: { url: hook.url, secret: 'beta-secret-0123456789' } })
  if (res.statusCode !== 200) throw new Error(res.body)
}

t.test('not opted in: transition list, no mailbox, no webhook; opted in: delivered electronically', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const hook = await webhook(t)

  // 1. Beta (serving CPAS.beta) receives the v1 flows only.
  const first = await start(t, prefix, partiesFile(undefined))
  await subscribe(first, hook)
  const detention = blinker(CPAS.beta, { flow: 'DETENTION' as Blinker['flow'] })
  const v1 = blinker(CPAS.beta, { flow: 'PENSION' })
  // Two publications, v1 first: stream ids of one millisecond tie across the two streams, and the
  // list then puts the mailbox's first, which is the publication order only if the v1 one came first.
  t.same((await publish(first, [v1])).json(), { accepted: 1, duplicates: 0, rejected: [] })
  const res = await publish(first, [detention])
  t.equal(res.statusCode, 202)
  t.same(res.json(), { accepted: 1, duplicates: 0, rejected: [] }, 'accepted: holding back is routing, not refusal')

  await until(t, 'the v1 blinker pushed', () => acceptedIds(hook).includes(v1.blinkerId))
  const p = first.env.keys
  t.same(await first.redis.zrange(deliveryOutboxKey(p, 'beta'), 0, -1), [], 'nothing left in the push outbox')
  t.equal(await first.env.deliveryQueues.get('beta')?.getJob(detention.blinkerId), undefined, 'no push job was ever made for the held blinker')
  t.ok(await first.env.deliveryQueues.get('beta')?.getJob(v1.blinkerId), 'while the v1 one had its push job')
  t.notOk(hook.received.some((r) => r.body.includes(detention.blinkerId)), 'the webhook never saw it')
  t.equal(await statusOf(first, detention.blinkerId), 'PUBLISHED', 'it stays PUBLISHED')

  const mailbox = await mailboxIds(first, CPAS.beta)
  t.ok(mailbox.includes(v1.blinkerId), 'the v1 blinker is in the mailbox')
  t.notOk(mailbox.includes(detention.blinkerId), 'the held one is not')
  t.equal(await first.redis.xlen(keys.transitionList(p, CPAS.beta)), 1, 'one entry on the CPAS\'s transition stream')
  const record = await first.redis.hgetall(keys.blinker(p, detention.blinkerId))
  t.ok(record.tseq && !record.seq, 'the record points at the transition stream, never at a mailbox entry')

  const csv = await download(first, CPAS.beta, 'csv')
  t.equal(csv.statusCode, 200)
  const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n')
  const header = (lines[0] ?? '').split(';')
  const rows = lines.slice(1).map((l) => l.split(';'))
  const idAt = header.indexOf('Blinker ID')
  const flowAt = header.indexOf('Flow')
  t.ok(idAt >= 0 && flowAt >= 0, 'the English headers')
  t.same(rows.map((r) => [r[idAt], r[flowAt]]), [[v1.blinkerId, 'PENSION'], [detention.blinkerId, 'DETENTION']], 'CSV: the held blinker is on the list (with the month\'s mailbox), in publication order')
  const xlsx = await download(first, CPAS.beta, 'xlsx')
  t.equal(xlsx.statusCode, 200)
  t.same(await xlsxRows(xlsx.rawPayload), [{ blinkerId: v1.blinkerId, flow: 'PENSION' }, { blinkerId: detention.blinkerId, flow: 'DETENTION' }], 'xlsx: likewise')

  const period = detention.form.periodStart.slice(0, 4)
  t.same(await first.redis.hgetall(keys.statsNotAccepted(p)), { [`${period}|DETENTION`]: '1' }, 'counted once, at write time, by period and flow')
  const expected = {
    fr: `Clignotants de flux que la maison de logiciels du CPAS n’accepte pas, partis sur les listes de transition (${period}) : 1`,
    nl: `Knipperlichten van stromen die het softwarehuis van het OCMW niet aanvaardt, naar de overgangslijsten gestuurd (${period}): 1`,
    en: `Blinkers of flows the CPAS’s software house does not accept, sent to transition lists (${period}): 1`,
  }
  const labels = { fr: 'Personnes incarcérées : 1', nl: 'Gedetineerden: 1', en: 'People in prison: 1' }
  for (const lang of ['fr', 'nl', 'en'] as const) {
    const page = await first.app.inject({ method: 'GET', url: `/acceptance/dashboard?lang=${lang}&period=${period}`, headers: auth(A.inspection) })
    t.equal(page.statusCode, 200)
    const line = /<p id="flows-not-accepted"[^>]*>([\s\S]*?)<\/p>/.exec(page.body)
    t.ok(line, `${lang}: the dashboard has the line`)
    t.match(line?.[0], 'data-count="1"')
    t.match(line?.[1], expected[lang], `${lang}: it says so`)
    t.match(line?.[1], labels[lang], `${lang}: and which flow`)
  }
  const other = await first.app.inject({ method: 'GET', url: `/acceptance/dashboard?lang=en&period=1999`, headers: auth(A.inspection) })
  t.notMatch(other.body, /data-count="1"/, 'another period does not count it')

  // A duplicate of the held blinker is not counted twice.
  t.same((await publish(first, [detention])).json(), { accepted: 0, duplicates: 1, rejected: [] })
  t.same(await first.redis.hgetall(keys.statsNotAccepted(p)), { [`${period}|DETENTION`]: '1' })
  await first.close()

  // 2. Beta opts in to DETENTION; the gateway restarts on the same data.
  const second = await start(t, prefix, partiesFile([...FLOWS, 'DETENTION']))
  const next = blinker(CPAS.beta, { flow: 'DETENTION' as Blinker['flow'] })
  t.same((await publish(second, [next])).json(), { accepted: 1, duplicates: 0, rejected: [] })
  await until(t, 'the opted-in flow pushed', () => acceptedIds(hook).includes(next.blinkerId))
  const pushed = hook.received.find((r) => r.headers['x-blinker-delivery'] === next.blinkerId)
  t.match(JSON.parse(pushed?.body ?? '{}'), { blinkerId: next.blinkerId, flow: 'DETENTION', cpasKbo: CPAS.beta }, 'the webhook got the blinker with its new flow')
  t.ok((await mailboxIds(second, CPAS.beta)).includes(next.blinkerId), 'and it is in the mailbox')
  t.equal(await second.redis.xlen(keys.transitionList(second.env.keys, CPAS.beta)), 1, 'the transition stream did not grow')
  t.same(await second.redis.hgetall(keys.statsNotAccepted(second.env.keys)), { [`${period}|DETENTION`]: '1' }, 'nor the counter')
  t.notOk(hook.received.some((r) => r.body.includes(detention.blinkerId)), 'the earlier held blinker is not pushed after the fact: it is on the list')
})

t.test('a CPAS served by a software house that opted in, and codes outside the catalogue', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const gw = await start(t, prefix, partiesFile(undefined))
  const optedIn = blinker(CPAS.alpha1, { flow: 'WORK_INCAPACITY' as Blinker['flow'] })
  const notOptedIn = blinker(CPAS.alpha1, { flow: 'GUARANTORS' as Blinker['flow'] })
  const unknown = blinker(CPAS.alpha1, { flow: 'SALARY' as Blinker['flow'] })
  const res = await publish(gw, [optedIn, unknown, notOptedIn])
  t.equal(res.statusCode, 202)
  t.match(res.json(), { accepted: 2, duplicates: 0, rejected: [{ index: 1, errors: [{ path: '/blinkers/1/flow', code: 'GW_ERR_BUSINESS_RULE', message: /SALARY is not in the flow catalogue/ }] }] })
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${unknown.blinkerId}`, headers: auth(A.inspection) })).statusCode, 404, 'the refused one is not stored')
  const pulled = ((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${CPAS.alpha1}/blinkers`, headers: auth(A.alpha) })).json() as { blinkers: Blinker[] }).blinkers.map((b) => b.blinkerId)
  t.same(pulled, [optedIn.blinkerId], 'demo alpha accepts WORK_INCAPACITY (mailbox) but not GUARANTORS (transition list)')
  const held = await gw.redis.xrange(keys.transitionList(gw.env.keys, CPAS.alpha1), '-', '+')
  t.same(held.map(([, f]) => f[1]), [notOptedIn.blinkerId])
})
