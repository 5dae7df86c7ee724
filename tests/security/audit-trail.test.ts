/**
 * The audit trail: every state-changing call lands in the environment's hash-chained stream with
 * who / what / ids / result and nothing personal; `blinker-gateway audit verify` checks the chain
 * and names the first entry that was altered or removed; concurrent instances keep one chain.
 */
import { createHash, randomBytes } from 'node:crypto'
import { pino } from 'pino'
import { Writable } from 'node:stream'
import fc from 'fast-check'
import t, { type Test } from 'tap'
import type { Redis } from 'ioredis'
import { main } from '../../src/cli/main.js'
import { runAudit } from '../../src/cli/audit.js'
import { AUDIT_FIELDS, appendChained, canonicalForm, entryHash, GENESIS, readAuditEntry, STORED_FIELDS, verifyAuditChain, type AuditEntry, type AuditField, type StoredAuditEntry } from '../../src/security/audit-chain.js'
import { auditWriter, AuditWriter } from '../../src/security/audit-trail.js'
import { keys } from '../../src/store/keys.js'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import { CPAS, pull } from '../helpers/blinkers.js'
import { A, feedbackFor, postFeedback, published, soapCall } from '../helpers/feedback.js'
import { auth, deleteKeys, startGateway, type TestGateway } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

type Row = AuditEntry & { id: string; prev: string; hash: string; storedAs: string[] }

/** A stream entry as stored (flat field list) read back; fails the test when it does not read. */
function readStored(id: string, flat: string[]): StoredAuditEntry {
  const stored = readAuditEntry(flat)
  if (typeof stored === 'string') throw new Error(`entry ${id}: ${stored}`)
  return stored
}

/** A stream entry read back, with its chain links and its stream field names. */
function rowOf(id: string, flat: string[]): Row {
  const { fields, prev, hash } = readStored(id, flat)
  return { id, ...fields, prev: prev ?? '', hash: hash ?? '', storedAs: flat.filter((_, i) => i % 2 === 0) }
}

async function trail(gw: TestGateway, env: 'acceptance' | 'production' = 'acceptance'): Promise<Row[]> {
  const ctx = gw.contexts.get(env)
  if (!ctx) throw new Error('no context')
  await auditWriter(ctx)?.drain()
  const raw = await gw.redis.xrange(keys.audit(ctx.keys), '-', '+')
  return raw.map(([id, flat]) => rowOf(id, flat))
}

function capture(): { io: { out(l: string): void; err(l: string): void }; out: string[]; err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l) => out.push(l), err: (l) => err.push(l) }, out, err }
}

/** A connection of the test's own and an audit stream under a fresh prefix, both cleaned up after. */
async function ownStream(t: Test): Promise<{ redis: Redis; stream: string }> {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const redis = commandConnection(testRedisUrl())
  t.teardown(() => redis.quit())
  await waitReady(redis)
  return { redis, stream: keys.audit(`${prefix}:acceptance:`) }
}

const cliEnv = (gw: TestGateway) => ({ REDIS_URL: testRedisUrl(), KEY_PREFIX: gw.prefix, LOG_LEVEL: 'silent' })

t.test('state-changing calls are audited, reads and anonymous calls are not, nothing personal is kept', async (t) => {
  const gw = await startGateway(t)
  const b = await published(t, gw, CPAS.alpha1)
  await pull(gw, A.alpha, CPAS.alpha1)
  t.equal((await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/acknowledgements`, headers: auth(A.alpha) })).statusCode, 204)
  t.equal((await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/acknowledgements`, headers: auth(A.beta) })).statusCode, 403)
  t.equal((await gw.app.inject({ method: 'POST', url: `/acceptance/v1/blinkers/${b.blinkerId}/acknowledgements` })).statusCode, 401)
  const f = feedbackFor(b, { code: 999, comment: 'Le bénéficiaire 85073003328 a fourni ses fiches de paie' })
  t.equal((await postFeedback(gw, A.alpha, f)).statusCode, 202)
  const b2 = await published(t, gw, CPAS.alpha2)
  const batch = await postFeedback(gw, A.alpha, { feedback: [feedbackFor(b2), { messageId: 'garbage 85073003328' }] })
  t.equal(batch.statusCode, 202)
  t.equal((await soapCall(gw, A.alpha, 'GetBlinkers', { cpasKbo: CPAS.alpha1 })).statusCode, 200)
  const b3 = await published(t, gw, CPAS.alpha1)
  t.equal((await soapCall(gw, A.alpha, 'AcknowledgeBlinker', { blinkerId: b3.blinkerId })).statusCode, 200)
  const sf = feedbackFor(b3)
  t.equal((await soapCall(gw, A.alpha, 'SubmitFeedback', sf)).statusCode, 200)
  t.equal((await gw.app.inject({ method: 'POST', url: '/acceptance/soap', headers: { ...auth(A.alpha), 'content-type': 'text/xml' }, payload: '<nope' })).statusCode, 400)
  t.equal((await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: auth(A.inspection) })).statusCode, 200)

  const rows = await trail(gw)
  const summary = rows.map((r) => `${r.party} ${r.method} ${r.route} ${r.operation} ${r.status} ${r.result}`)
  t.same(summary, [
    'publisher POST /v1/blinkers  202 OK',
    'alpha POST /v1/blinkers/:blinkerId/acknowledgements  204 OK',
    'beta POST /v1/blinkers/:blinkerId/acknowledgements  403 GW_ERR_FORBIDDEN_CPAS',
    'alpha POST /v1/feedback  202 OK',
    'publisher POST /v1/blinkers  202 OK',
    'alpha POST /v1/feedback  202 OK',
    'publisher POST /v1/blinkers  202 OK',
    'alpha POST /soap AcknowledgeBlinker 200 OK',
    'alpha POST /soap SubmitFeedback 200 OK',
    'alpha POST /soap  400 GW_ERR_MALFORMED_XML',
  ], 'one entry per state-changing call, in order; GET, SOAP reads and the anonymous call are absent')
  const [pub, ack, refused, single, , batchRow, , soapAck, soapFeedback] = rows
  t.equal(pub?.count, '1', 'a publication records how many blinkers, not which people')
  t.equal(pub?.role, 'publisher')
  t.equal(ack?.blinkerId, b.blinkerId)
  t.equal(refused?.role, 'software-house')
  t.equal(single?.messageId, f.messageId.toLowerCase())
  t.equal(single?.blinkerId, b.blinkerId)
  t.equal(single?.cpas, CPAS.alpha1)
  t.equal(batchRow?.count, '2')
  t.equal(soapAck?.blinkerId, b3.blinkerId)
  t.equal(soapFeedback?.messageId, sf.messageId.toLowerCase())
  t.equal(soapFeedback?.cpas, CPAS.alpha1)
  for (const r of rows) {
    t.same(r.storedAs, [...STORED_FIELDS], `entry ${r.id} is stored as its canonical form, prev and hash`)
    t.equal(r.env, 'acceptance')
    t.match(r.at, /^\d{4}-\d\d-\d\dT/)
  }
  const text = JSON.stringify(rows)
  t.notMatch(text, /85073003328|Dupont|Marie|fiches de paie|garbage/, 'no NISS, name, comment or invalid field value in the trail')
  t.equal(rows[0]?.prev, GENESIS, 'the first entry chains on the genesis hash')
  for (let i = 1; i < rows.length; i++) t.equal(rows[i]?.prev, rows[i - 1]?.hash, `entry ${i + 1} carries the hash of entry ${i}`)
  t.same(await trail(gw, 'production'), [], 'the other environment has its own (empty) trail')

  const report = await verifyAuditChain(gw.redis, keys.audit(`${gw.prefix}:acceptance:`), 3)
  t.equal(report.entries, rows.length, 'verified across pages of 3')
  t.equal(report.broken, undefined)
  t.equal(report.head, rows.at(-1)?.hash)
})

t.test('audit verify: intact chain exits 0, an altered entry and a removed entry are named', async (t) => {
  const gw = await startGateway(t)
  for (let i = 0; i < 6; i++) await published(t, gw, CPAS.alpha1)
  const rows = await trail(gw)
  t.equal(rows.length, 6)

  const ok = capture()
  t.equal(await runAudit(['verify', '--env', 'acceptance'], ok.io, cliEnv(gw)), 0, 'exit 0 on an intact chain')
  t.match(ok.out.join('\n'), new RegExp(`acceptance: 6 entries, chain intact .* head ${rows[5]?.hash}`))
  const both = capture()
  t.equal(await runAudit(['verify', '--json'], both.io, cliEnv(gw)), 0, 'every served environment by default')
  const json = JSON.parse(both.out.join('\n'))
  t.same(Object.keys(json), ['acceptance', 'production'])
  t.equal(json.production.entries, 0)

  // Streams cannot be edited in place: an attacker with Redis access rewrites the stream with the
  // same ids and one value changed (entry 3 now blames another party), still in canonical form.
  const stream = keys.audit(`${gw.prefix}:acceptance:`)
  const raw = await gw.redis.xrange(stream, '-', '+')
  await gw.redis.del(stream)
  for (const [index, [id, flat]] of raw.entries()) {
    const fields = [...flat]
    if (index === 2) fields[1] = canonicalForm({ ...readStored(id, flat).fields, party: 'inspection' })
    await gw.redis.xadd(stream, id, ...fields)
  }
  const altered = capture()
  t.equal(await runAudit(['verify', '--env', 'acceptance'], altered.io, cliEnv(gw)), 1, 'exit 1 on a broken chain')
  t.match(altered.err.join('\n'), new RegExp(`acceptance: BROKEN at entry ${raw[2]?.[0]} \\(#3 of 3 read\\): hash .* does not match the entry's content`), 'the altered entry is named')

  // Re-hashing the altered entry to hide it moves the break to the next entry; removing one too.
  await gw.redis.del(stream)
  for (const [index, [id, flat]] of raw.entries()) if (index !== 3) await gw.redis.xadd(stream, id, ...flat)
  const removed = capture()
  t.equal(await runAudit(['verify', '--env', 'acceptance'], removed.io, cliEnv(gw)), 1)
  t.match(removed.err.join('\n'), new RegExp(`BROKEN at entry ${raw[4]?.[0]} \\(#4 of 4 read\\): prev .* an entry was removed`), 'the entry after a removed one is named')

  await gw.redis.del(stream)
  await gw.redis.xadd(stream, '*', ...(raw[0]?.[1] ?? []), 'note', 'x')
  const extra = await verifyAuditChain(gw.redis, stream)
  t.match(extra.broken?.reason, /unexpected field\(s\) note/, 'an injected field is refused too')
})

t.test('audit command: usage, help and the command table', async (t) => {
  const gw = await startGateway(t, { ENVIRONMENTS: 'acceptance' })
  for (const [argv, what] of [[[], 'no action'], [['list'], 'unknown action'], [['verify', '--env', 'staging'], 'unknown environment'], [['verify', '--env', 'production'], 'environment not served']] as const) {
    const c = capture()
    t.equal(await runAudit(argv, c.io, { ...cliEnv(gw), ENVIRONMENTS: 'acceptance' }), 2, `exit 2: ${what}`)
    t.match(c.err.join('\n'), /^audit: /)
  }
  const help = capture()
  t.equal(await main(['audit', '--help'], help.io), 0)
  t.match(help.out.join('\n'), /audit verify/)
  const list = capture()
  await main(['--help'], list.io)
  t.match(list.out.join('\n'), /audit +verify the hash chain/)
  const down = capture()
  t.equal(await runAudit(['verify'], down.io, { REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'silent' }), 2, 'exit 2 when Redis does not answer')
  t.match(down.err.join('\n'), /audit: /)
})

t.test('two instances writing at once keep one valid chain', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const one = await startGateway(t, { KEY_PREFIX: prefix })
  const two = await startGateway(t, { KEY_PREFIX: prefix })
  const calls = []
  for (let i = 0; i < 40; i++) {
    const gw = i % 2 === 0 ? one : two
    calls.push(gw.app.inject({ method: 'PUT', url: '/acceptance/v1/subscriptions/self', headers: auth(A.alpha), payload: { url: `https://alpha.example/hook/${i}`, secret: 'a-secret-of-16-chars-or-more' } }))
  }
  const answers = await Promise.all(calls)
  t.same([...new Set(answers.map((r) => r.statusCode))], [200])
  for (const gw of [one, two]) await auditWriter(gw.contexts.get('acceptance') as never)?.drain()
  const report = await verifyAuditChain(one.redis, keys.audit(`${prefix}:acceptance:`))
  t.equal(report.entries, 40, 'every call is in the one stream')
  t.equal(report.broken, undefined, 'and the chain is intact: appends re-chain when another instance moved the head')
})

t.test('a refused-by-rate-limit call is audited with its code', async (t) => {
  const gw = await startGateway(t, { RATE_LIMIT_MAX: '1' })
  await gw.app.inject({ method: 'DELETE', url: '/acceptance/v1/subscriptions/self', headers: auth(A.alpha) })
  const second = await gw.app.inject({ method: 'DELETE', url: '/acceptance/v1/subscriptions/self', headers: auth(A.alpha) })
  t.equal(second.statusCode, 429)
  const rows = await trail(gw)
  t.same(rows.map((r) => `${r.method} ${r.status} ${r.result}`), ['DELETE 204 OK', 'DELETE 429 GW_ERR_RATE_LIMITED'])
})

t.test('a failed write is logged with the lost entries and does not stop later writes', async (t) => {
  const lines: string[] = []
  const log = pino({ level: 'error' }, new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) }))
  const redis = commandConnection(testRedisUrl())
  t.teardown(() => redis.disconnect())
  await waitReady(redis)
  const stream = `t${randomBytes(5).toString('hex')}:acceptance:audit`
  t.teardown(() => deleteKeys(stream.split(':')[0] as string))
  await redis.set(stream, 'a string, not a stream')
  const writer = new AuditWriter(redis, stream, log)
  const entry = Object.fromEntries(AUDIT_FIELDS.map((f) => [f, f === 'party' ? 'alpha' : ''])) as AuditEntry
  writer.append(entry)
  await writer.drain()
  t.equal(lines.length, 1, 'one error line')
  const logged = JSON.parse(lines[0] ?? '{}')
  t.match(logged.msg, /audit trail write failed/)
  t.equal(logged.lost?.[0]?.party, 'alpha', 'the lost entry is in the log')
  await redis.del(stream)
  writer.append(entry)
  writer.append({ ...entry, party: 'beta' })
  await writer.drain()
  const report = await verifyAuditChain(redis, stream)
  t.equal(report.entries, 2, 'the writer recovers once Redis takes writes again')
  t.equal(report.broken, undefined)
  t.equal(report.head, entryHash(entryHash(GENESIS, entry), { ...entry, party: 'beta' }))
  await t.rejects(appendChained(redis, stream, [entry], 'f'.repeat(64), 1), /head kept moving/, 'a head that never matches gives up')
})

t.test('entries are stored as their canonical JSON: any character comes back as hashed', async (t) => {
  const { redis, stream } = await ownStream(t)
  const odd = 'quote " backslash \\ newline \n tab \t control \u0001 é 😀 \u2028 {"json":[1]} '
  const entries = [0, 1, 2].map((i) => Object.fromEntries(AUDIT_FIELDS.map((f) => [f, f === 'requestId' ? `${odd}${i}` : f === 'count' ? '' : `${f}-${i}`])) as AuditEntry)
  const head = await appendChained(redis, stream, entries, GENESIS)
  const rows = await redis.xrange(stream, '-', '+')
  t.equal(rows.length, 3)
  rows.forEach(([id, flat], i) => {
    t.equal(flat[1], JSON.stringify(AUDIT_FIELDS.map((f) => [f, entries[i]?.[f]])), 'the stored entry is exactly the JSON of its [field, value] pairs')
    const row = rowOf(id, flat)
    t.equal(row.requestId, `${odd}${i}`)
    t.equal(row.count, '', 'an empty value stays an empty value')
  })
  const report = await verifyAuditChain(redis, stream)
  t.same({ entries: report.entries, head: report.head, broken: report.broken }, { entries: 3, head, broken: undefined })
})

t.test('a chain begun by an earlier build (one stream field per canonical field) still verifies and goes on', async (t) => {
  const { redis, stream } = await ownStream(t)
  const entry = (party: string) => Object.fromEntries(AUDIT_FIELDS.map((f) => [f, f === 'party' ? party : f === 'count' ? '' : `${f}-v`])) as AuditEntry
  // The earlier layout, written as that build's script wrote it.
  const first = entryHash(GENESIS, entry('alpha'))
  await redis.xadd(stream, '*', ...AUDIT_FIELDS.flatMap((f) => [f, entry('alpha')[f]]), 'prev', GENESIS, 'hash', first)
  const head = await appendChained(redis, stream, [entry('beta'), entry('gamma')], undefined)
  const rows = await redis.xrange(stream, '-', '+')
  t.same(rows.map(([, flat]) => flat.length), [32, 6, 6], 'the old entry keeps its layout, the new ones are entry, prev, hash')
  t.same(rows.map(([id, flat]) => rowOf(id, flat).party), ['alpha', 'beta', 'gamma'], 'both layouts read back to the same fields')
  t.equal(rowOf(rows[1]?.[0] as string, rows[1]?.[1] as string[]).prev, first, 'the writer chained on the old entry (head read from Redis)')
  const report = await verifyAuditChain(redis, stream)
  t.same({ entries: report.entries, head: report.head, broken: report.broken }, { entries: 3, head, broken: undefined })

  // An old-layout entry altered is caught as before.
  await redis.del(stream)
  for (const [index, [id, flat]] of rows.entries()) await redis.xadd(stream, id, ...(index === 0 ? flat.map((v) => (v === 'alpha' ? 'omega' : v)) : flat))
  t.match((await verifyAuditChain(redis, stream)).broken, { position: 1, reason: /does not match the entry's content/ })
})

t.test('a stored entry that is not exactly its canonical form is refused, whatever its hash says', async (t) => {
  const { redis, stream } = await ownStream(t)
  const entry = Object.fromEntries(AUDIT_FIELDS.map((f) => [f, `${f}-v`])) as AuditEntry
  const canonical = canonicalForm(entry)
  t.equal(canonical, JSON.stringify(AUDIT_FIELDS.map((f) => [f, entry[f]])))
  const variants: [string, string][] = [
    ['spacing', JSON.stringify(AUDIT_FIELDS.map((f) => [f, entry[f]]), null, 1)],
    ['field order', JSON.stringify([...AUDIT_FIELDS].reverse().map((f) => [f, entry[f]]))],
    ['a field missing', JSON.stringify(AUDIT_FIELDS.slice(1).map((f) => [f, entry[f]]))],
    ['a number value', canonical.replace('"count-v"', '3')],
    ['not JSON', canonical.slice(0, -1)],
    ['an object', JSON.stringify(entry)],
  ]
  for (const [what, text] of variants) {
    await redis.del(stream)
    // Hashed as stored, so only the form check can catch it.
    await redis.xadd(stream, '*', 'entry', text, 'prev', GENESIS, 'hash', createHash('sha256').update(`${GENESIS}\n${text}`).digest('hex'))
    t.match((await verifyAuditChain(redis, stream)).broken?.reason, /not the canonical/, what)
  }
  await redis.del(stream)
  await redis.xadd(stream, '*', 'entry', canonical, 'prev', GENESIS, 'hash', entryHash(GENESIS, entry), 'party', 'x')
  t.match((await verifyAuditChain(redis, stream)).broken?.reason, /unexpected field\(s\) party/, 'no field beside entry, prev and hash')
})

t.test('canonicalForm is JSON.stringify of the [field, value] pairs for any values', async (t) => {
  const value = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00x', '😀', '</script>'))
  const entry = fc.record(Object.fromEntries(AUDIT_FIELDS.map((f) => [f, value])) as Record<AuditField, fc.Arbitrary<string>>, { requiredKeys: [] })
  fc.assert(
    fc.property(entry, (e) => canonicalForm(e) === JSON.stringify(AUDIT_FIELDS.map((f) => [f, e[f] ?? '']))),
    { numRuns: 2000 },
  )
  t.pass('2000 generated entries, absent fields included')
})
