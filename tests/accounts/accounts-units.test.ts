/**
 * The accounts room piece by piece: scrypt hashing and verification, the inspectors file and its
 * refusals, the session store's expiry on injected time, actor(), the hash-password command, and
 * the audit trail's optional `person` field (old entries keep verifying).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import t from 'tap'
import { actor } from '../../src/accounts/actor.js'
import { buildInspectors, demoInspectorsFile, InspectorsError, loadInspectors } from '../../src/accounts/inspectors.js'
import { hashPassword, parseScryptHash, verifyPassword } from '../../src/accounts/password-hash.js'
import { createSession, deleteSession, touchSession } from '../../src/accounts/session-store.js'
import { readCookie } from '../../src/accounts/session-cookie.js'
import { runHashPassword } from '../../src/cli/hash-password.js'
import { main } from '../../src/cli/main.js'
import { PartiesError, loadParties } from '../../src/parties/parties.js'
import { appendChained, AUDIT_FIELDS, canonicalForm, GENESIS, readAuditEntry, verifyAuditChain, type AuditEntry } from '../../src/security/audit-chain.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

const CHEAP = { ln: 10, r: 8, p: 1 }
const served = ['acceptance', 'production'] as const
const demoParties = loadParties(undefined, served)

t.test('scrypt hashes: PHC string with salt and cost, verification, refusals', async (t) => {
  const h = await hashPassword('correct horse battery', CHEAP)
  t.match(h, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  t.not(await hashPassword('correct horse battery', CHEAP), h, 'a random salt each time')
  t.ok(await verifyPassword('correct horse battery', h))
  t.notOk(await verifyPassword('correct horse batterx', h))
  t.notOk(await verifyPassword('', h))
  t.notOk(await verifyPassword('x'.repeat(1025), h), 'an over-long password never matches')
  t.ok(await verifyPassword('Ame\u0301lie-password', await hashPassword('Am\u00e9lie-password', CHEAP)), 'NFC: the same password typed either way')
  t.notOk(await verifyPassword('x', 'not a hash'), 'a malformed hash never matches')
  const bad: [string, RegExp][] = [
    ['$scrypt$ln=9,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /ln=9, outside 10–20/],
    ['$scrypt$ln=21,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /ln=21/],
    ['$scrypt$ln=14,r=99,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /r=99/],
    ['$scrypt$ln=14,r=8,p=0$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /p=0/],
    ['$scrypt$ln=14,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$' + 'A'.repeat(88), /./],
    ['$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA', /blinker-gateway hash-password/],
  ]
  for (const [stored, re] of bad.slice(0, 4).concat(bad.slice(5))) t.match(parseScryptHash(stored), re, stored.slice(0, 24))
  t.type(parseScryptHash(bad[4]?.[0] as string), 'object', 'a 66-byte key is fine')
})

t.test('the demo inspectors: Marie Dubois and Jan Peeters in both environments, each with their own password', async (t) => {
  const dir = loadInspectors(undefined, demoParties, served)
  t.ok(dir.demo)
  for (const [env, tag] of [['acceptance', 'acc'], ['production', 'prod']] as const) {
    const env$ = dir.environments.get(env)
    t.same([...(env$?.byId.keys() ?? [])], ['marie.dubois', 'jan.peeters'])
    const marie = env$?.byId.get('marie.dubois')
    t.match(marie, { name: 'Marie Dubois', env, party: { id: 'inspection', role: 'inspection', env } })
    t.ok(await verifyPassword(`demo-${tag}-marie`, marie?.passwordScrypt as string), `${env}: demo-${tag}-marie`)
    t.notOk(await verifyPassword(`demo-${tag === 'acc' ? 'prod' : 'acc'}-marie`, marie?.passwordScrypt as string), 'not the other environment\'s')
  }
  const file = join(mkdtempSync(join(tmpdir(), 'bgw-parties-')), 'parties.json')
  writeFileSync(file, JSON.stringify({ acceptance: { parties: [{ id: 'insp', role: 'inspection', tokenSha256: ['a'.repeat(64)] }] }, production: { parties: [] } }))
  const real = loadParties(file, served)
  t.equal(loadInspectors(undefined, real, served).environments.get('acceptance')?.byId.size, 0, 'a real parties file without INSPECTORS_FILE: nobody')
})

t.test('INSPECTORS_FILE: read, validated against the parties, clear refusals', async (t) => {
  const hash = await hashPassword('a long enough password', CHEAP)
  const dir = mkdtempSync(join(tmpdir(), 'bgw-inspectors-'))
  const file = join(dir, 'inspectors.json')
  writeFileSync(file, JSON.stringify({ acceptance: [{ id: 'a.b', name: ' Ann B ', passwordScrypt: hash, oidcSubject: 'sub-1', party: 'inspection' }] }))
  const loaded = loadInspectors(file, demoParties, served)
  t.notOk(loaded.demo)
  t.match(loaded.environments.get('acceptance')?.byId.get('a.b'), { name: 'Ann B', oidcSubject: 'sub-1', passwordScrypt: hash })
  t.equal(loaded.environments.get('acceptance')?.bySubject.get('sub-1')?.id, 'a.b')
  t.equal(loaded.environments.get('production')?.byId.size, 0)

  const broken = join(dir, 'broken.json')
  writeFileSync(broken, '{ nope')
  t.throws(() => loadInspectors(broken, demoParties, served), { name: 'InspectorsError', message: /^INSPECTORS_FILE .*broken\.json: cannot read it as JSON/ })
  const wrong = join(dir, 'wrong.json')
  writeFileSync(wrong, JSON.stringify({ acceptance: [{ id: 'X' }] }))
  t.throws(() => loadInspectors(wrong, demoParties, served), { message: /^INSPECTORS_FILE .*wrong\.json: acceptance\[0\]: id must be/ })
  t.ok(new InspectorsError('x') instanceof PartiesError, 'server.ts prints it and exits 2 like a parties error')

  const ok = { id: 'c.d', name: 'C D', passwordScrypt: hash }
  const cases: [unknown, RegExp][] = [
    [[], /expected \{ "acceptance"/],
    [{ staging: [] }, /unknown environment\(s\) staging/],
    [{ acceptance: {} }, /acceptance: expected a list/],
    [{ acceptance: ['x'] }, /acceptance\[0\]: expected an object/],
    [{ acceptance: [{ ...ok, role: 'admin' }] }, /unknown field\(s\) role/],
    [{ acceptance: [{ ...ok, name: '' }] }, /inspector c.d: name must be/],
    [{ acceptance: [{ id: 'c.d', name: 'C D' }] }, /needs passwordScrypt, oidcSubject or both/],
    [{ acceptance: [{ ...ok, passwordScrypt: 'plain-text' }] }, /passwordScrypt is not a "\$scrypt/],
    [{ acceptance: [{ ...ok, passwordScrypt: 42 }] }, /passwordScrypt is not a string/],
    [{ acceptance: [{ ...ok, oidcSubject: '' }] }, /oidcSubject must be/],
    [{ acceptance: [ok, ok] }, /inspector id c.d appears twice/],
    [{ acceptance: [{ ...ok, id: 'alpha' }] }, /alpha is also a party id/],
    [{ acceptance: [{ ...ok, oidcSubject: 's' }, { ...ok, id: 'e.f', oidcSubject: 's' }] }, /oidcSubject of e.f is also given to c.d/],
    [{ acceptance: [{ ...ok, party: 'alpha' }] }, /party "alpha" is not an inspection party of acceptance/],
    [{ acceptance: [{ ...ok, party: 'ghost' }] }, /party "ghost" is not an inspection party/],
  ]
  for (const [file, re] of cases) t.throws(() => buildInspectors(file, demoParties, served), { name: 'InspectorsError', message: re }, String(re))
  const noInspection = join(dir, 'parties.json')
  writeFileSync(noInspection, JSON.stringify({ acceptance: { parties: [{ id: 'i1', role: 'inspection', tokenSha256: ['a'.repeat(64)] }, { id: 'i2', role: 'inspection', tokenSha256: ['b'.repeat(64)] }] } }))
  t.throws(() => buildInspectors({ acceptance: [ok] }, loadParties(noInspection, ['acceptance']), ['acceptance']), { message: /acceptance has 2 inspection parties; say which one/ })
  t.equal(buildInspectors({ acceptance: [{ ...ok, party: 'i2' }] }, loadParties(noInspection, ['acceptance']), ['acceptance']).environments.get('acceptance')?.byId.get('c.d')?.party.id, 'i2')
  t.same(Object.keys(demoInspectorsFile()), ['acceptance', 'production'])
})

t.test('the session store on injected time: sliding idle timeout, absolute lifetime, environment, delete', async (t) => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })
  const prefix = `tsess${process.pid}${Date.now() % 100000}`
  t.teardown(async () => {
    await deleteKeys(prefix)
    redis.disconnect()
  })
  const p = `${prefix}:acceptance:`
  const limits = { idleMs: 30 * 60_000, absoluteMs: 8 * 3_600_000 }
  const t0 = 1_800_000_000_000
  const s = await createSession(redis, p, 'acceptance', { id: 'marie.dubois', name: 'Marie Dubois' }, limits, t0)
  t.match(s, { id: /^[A-Za-z0-9_-]{43}$/, csrf: /^[A-Za-z0-9_-]{43}$/, personId: 'marie.dubois', createdAt: t0 })
  t.not(s.id, s.csrf)
  // Active every 29 minutes for 7 h 58: alive all along (sliding).
  let now = t0
  for (let i = 0; i < 16; i++) {
    now += 29 * 60_000
    t.ok(await touchSession(redis, p, 'acceptance', s.id, limits, now), `alive at +${(now - t0) / 60_000} min`)
  }
  now += 29 * 60_000
  t.equal(await touchSession(redis, p, 'acceptance', s.id, limits, now), undefined, 'past 8 hours: ended, however active')
  t.equal(await touchSession(redis, p, 'acceptance', s.id, limits, t0), undefined, 'and deleted')

  const idle = await createSession(redis, p, 'acceptance', { id: 'jan.peeters', name: 'Jan Peeters' }, limits, t0)
  t.equal(await touchSession(redis, p, 'production', idle.id, limits, t0 + 1000), undefined, 'another environment: refused (and ended)')
  const idle2 = await createSession(redis, p, 'acceptance', { id: 'jan.peeters', name: 'Jan Peeters' }, limits, t0)
  t.ok(await touchSession(redis, p, 'acceptance', idle2.id, limits, t0 + 30 * 60_000), 'exactly 30 minutes: still alive')
  t.equal(await touchSession(redis, p, 'acceptance', idle2.id, limits, t0 + 60 * 60_000 + 1), undefined, '30 minutes and 1 ms after the last request: ended')
  const gone = await createSession(redis, p, 'acceptance', { id: 'jan.peeters', name: 'Jan Peeters' }, limits, t0)
  t.ok(await deleteSession(redis, p, gone.id))
  t.notOk(await deleteSession(redis, p, gone.id), 'twice: nothing left')
  t.notOk(await deleteSession(redis, p, 'not-an-id'))
  t.equal(await touchSession(redis, p, 'acceptance', 'not-an-id', limits, t0), undefined)
})

t.test('cookies and actor()', async (t) => {
  t.equal(readCookie('a=1; bgw_session=abc; b=2', 'bgw_session'), 'abc')
  t.equal(readCookie('bgw_session_x=1', 'bgw_session'), undefined)
  t.equal(readCookie('novalue; bgw_session=%E0%A4%A', 'bgw_session'), undefined)
  t.equal(readCookie(undefined, 'bgw_session'), undefined)
  t.equal(actor({ person: { id: 'marie.dubois', name: 'Marie Dubois' }, party: { id: 'inspection' } } as never), 'marie.dubois')
  t.equal(actor({ person: undefined, party: { id: 'inspection' } } as never), 'inspection')
})

t.test('blinker-gateway hash-password', async (t) => {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }
  t.equal(await runHashPassword(['--cost', '10'], io, () => 'a long enough password\n'), 0)
  t.match(out[0], /^\$scrypt\$ln=10,r=8,p=1\$/)
  t.ok(await verifyPassword('a long enough password', out[0] as string), 'the printed hash verifies (newline dropped)')
  t.equal(await runHashPassword([], io, () => 'short'), 2)
  t.match(err.at(-1), /12 to 1024 characters/)
  for (const args of [['--cost'], ['--cost', '9'], ['--cost', '21'], ['--cost', 'x'], ['pw']]) t.equal(await runHashPassword(args, io, () => 'a long enough password'), 2, args.join(' '))
  t.equal(await runHashPassword([], io, () => 'default cost password'), 0)
  t.match(out.at(-1), /^\$scrypt\$ln=15,r=8,p=1\$/, 'default cost N = 2^15')
  t.equal(await main(['hash-password', '--cost', 'x'], io), 2, 'reachable from the command table')
  const help: string[] = []
  t.equal(await main(['hash-password', '--help'], { out: (l) => void help.push(l), err: () => {} }), 0)
  t.match(help.join('\n'), /printf %s "\$PASSWORD" \| blinker-gateway hash-password/)
})

t.test('the audit trail records the person in an optional field; old entries keep their hashes', async (t) => {
  const base = Object.fromEntries(AUDIT_FIELDS.map((f) => [f, f === 'party' ? 'inspection' : `${f}-v`])) as AuditEntry
  const withPerson: AuditEntry = { ...base, person: 'marie.dubois' }
  t.equal(canonicalForm(base), JSON.stringify(AUDIT_FIELDS.map((f) => [f, base[f]])), 'without a person: exactly the old form')
  t.equal(canonicalForm(withPerson), JSON.stringify([...AUDIT_FIELDS.map((f) => [f, base[f]]), ['person', 'marie.dubois']]))
  t.equal(canonicalForm({ ...base, person: '' }), canonicalForm(base), 'an empty person is no person')
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 })
  const stream = `taud${process.pid}:acceptance:audit`
  t.teardown(async () => {
    await redis.del(stream)
    redis.disconnect()
  })
  await appendChained(redis, stream, [base, withPerson, base], GENESIS)
  const report = await verifyAuditChain(redis, stream)
  t.equal(report.entries, 3)
  t.notOk(report.broken, 'the chain verifies with and without the person')
  const read = (await redis.xrange(stream, '-', '+')).map(([, flat]) => readAuditEntry(flat))
  t.match(read[1], { fields: { party: 'inspection', person: 'marie.dubois' } })
  t.notOk(typeof read[0] !== 'string' && read[0]?.fields.person)
  // The legacy one-field-per-value form with a person, and forms that are not canonical.
  const legacy = ['at', 'x', ...AUDIT_FIELDS.filter((f) => f !== 'at').flatMap((f) => [f, base[f]]), 'person', 'jan.peeters', 'prev', GENESIS, 'hash', 'h']
  t.match(readAuditEntry(legacy), { fields: { person: 'jan.peeters' } })
  const pairs = AUDIT_FIELDS.map((f) => [f, base[f]])
  for (const [why, entry] of [
    ['an empty person written out', JSON.stringify([...pairs, ['person', '']])],
    ['an unknown extra field', JSON.stringify([...pairs, ['role2', 'x']])],
    ['two extra fields', JSON.stringify([...pairs, ['person', 'a'], ['person', 'b']])],
    ['a pair that is not a pair', JSON.stringify([...pairs.slice(0, -1), ['requestId']])],
  ] as const) t.type(readAuditEntry(['entry', entry, 'prev', GENESIS, 'hash', 'h']), 'string', why)
})
