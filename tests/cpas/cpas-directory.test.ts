/**
 * The CPAS directory (PUT/GET /{env}/v1/cpas): validation (400 with field paths, nothing
 * stored), roles (403), merge semantics, and the names cpasNames gives per language with its
 * fallbacks (the other language, the parties file, the number).
 */
import t from 'tap'
import { cpasNames, entryName, nameIn } from '../../src/cpas/cpas-directory.js'
import { demoCpasNames } from '../../src/cpas/demo-names.js'
import { keys } from '../../src/store/keys.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS, type TestGateway } from '../helpers/gateway.js'

const A = TOKENS.acceptance
// Valid KBOs not in the demo parties file (97 - first eight mod 97).
const kbo = (n: number): string => {
  const first8 = `0${String(200000000 + n).slice(2)}`.slice(0, 8)
  return `${first8}${String(97 - Number(BigInt(first8) % 97n)).padStart(2, '0')}`
}
const K1 = kbo(1001)
const K2 = kbo(1002)

const put = (gw: TestGateway, body: unknown, token: string = A.publisher) => gw.app.inject({ method: 'PUT', url: '/acceptance/v1/cpas', headers: auth(token), payload: body as object })
const list = async (gw: TestGateway, token: string = A.inspection) => (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/cpas', headers: auth(token) })).json() as { items: { kbo: string; nameFr?: string; nameNl?: string; partiesName?: string; servedBy?: string; updatedAt?: string }[] }

t.test('PUT stores names (trimmed), merges per CPAS, GET lists them with the parties file', async (t) => {
  const gw = await startGateway(t)
  t.not(K1, K2)
  const res = await put(gw, { cpas: [{ kbo: K1, nameFr: '  CPAS de Lieu  ', nameNl: 'OCMW Plaats' }, { kbo: K2, nameNl: 'OCMW Ander' }] })
  t.equal(res.statusCode, 204, res.body)
  let items = (await list(gw)).items
  t.same(items.find((i) => i.kbo === K1), { kbo: K1, nameFr: 'CPAS de Lieu', nameNl: 'OCMW Plaats', updatedAt: items.find((i) => i.kbo === K1)?.updatedAt })
  t.match(items.find((i) => i.kbo === CPAS.alpha1), { partiesName: 'CPAS de Démoville', servedBy: 'alpha' }, 'the parties file CPAS are listed too')
  t.same(items.map((i) => i.kbo), [...items.map((i) => i.kbo)].sort(), 'ordered by number')
  // Merge: K1 given again replaces its entry (nameNl left out is removed); K2 stays.
  t.equal((await put(gw, { cpas: [{ kbo: K1, nameFr: 'CPAS de Nouveau' }] })).statusCode, 204)
  items = (await list(gw, A.publisher)).items
  t.match(items.find((i) => i.kbo === K1), { nameFr: 'CPAS de Nouveau' })
  t.notOk(items.find((i) => i.kbo === K1)?.nameNl, 'a name left out is removed from that entry')
  t.match(items.find((i) => i.kbo === K2), { nameNl: 'OCMW Ander' }, 'a CPAS not given keeps its entry')
})

t.test('bad bodies are 400 GW_ERR_VALIDATION and store nothing', async (t) => {
  const gw = await startGateway(t)
  const cases: [string, unknown, string][] = [
    ['bad checksum', { cpas: [{ kbo: '0212344877', nameFr: 'X' }] }, '/cpas/0/kbo'],
    ['too long', { cpas: [{ kbo: K1, nameFr: 'x'.repeat(201) }] }, '/cpas/0/nameFr'],
    ['control character', { cpas: [{ kbo: K1, nameNl: 'OCMW\u0007Bel' }] }, '/cpas/0/nameNl'],
    ['no name', { cpas: [{ kbo: K1 }] }, '/cpas/0'],
    ['blank names', { cpas: [{ kbo: K1, nameFr: '   ', nameNl: '' }] }, '/cpas/0'],
    ['twice the same CPAS', { cpas: [{ kbo: K2, nameFr: 'A' }, { kbo: K2, nameFr: 'B' }] }, '/cpas/1/kbo'],
    ['empty list', { cpas: [] }, '/cpas'],
    ['over 1000', { cpas: Array.from({ length: 1001 }, (_, i) => ({ kbo: kbo(i), nameFr: 'X' })) }, '/cpas'],
    ['unknown field', { cpas: [{ kbo: K1, nameFr: 'X', name: 'Y' }] }, '/cpas/0/name'],
  ]
  for (const [what, body, path] of cases) {
    const res = await put(gw, body)
    t.equal(res.statusCode, 400, what)
    t.equal(res.json().code, 'GW_ERR_VALIDATION', what)
    t.ok((res.json().errors as { path: string }[]).some((e) => e.path === `body:${path}`), `${what}: error at ${path} ${res.body}`)
  }
  t.equal(await gw.contexts.get('acceptance')?.redis.exists(keys.cpasDirectory(`${gw.prefix}:acceptance:`)), 0, 'nothing stored')
})

t.test('roles: only the publisher writes; a software house reads nothing', async (t) => {
  const gw = await startGateway(t)
  for (const token of [A.inspection, A.alpha, A.operator]) {
    const res = await put(gw, { cpas: [{ kbo: K1, nameFr: 'X' }] }, token)
    t.equal(res.statusCode, 403)
    t.equal(res.json().code, 'GW_ERR_FORBIDDEN_ROLE')
  }
  const res = await gw.app.inject({ method: 'GET', url: '/acceptance/v1/cpas', headers: auth(A.alpha) })
  t.equal(res.statusCode, 403)
  t.equal((await gw.app.inject({ method: 'PUT', url: '/acceptance/v1/cpas', payload: { cpas: [] } })).statusCode, 401)
})

t.test('cpasNames: the language, then the other one, then the parties file, then the number', async (t) => {
  const gw = await startGateway(t)
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  t.equal((await put(gw, { cpas: [{ kbo: K1, nameFr: 'CPAS de Lieu', nameNl: 'OCMW Plaats' }, { kbo: K2, nameNl: 'OCMW Ander' }] })).statusCode, 204)
  const unknown = kbo(1003)
  const all = [K1, K2, CPAS.alpha1, unknown, K1]
  t.same([...(await cpasNames(ctx, all, 'fr'))], [[K1, 'CPAS de Lieu'], [K2, 'OCMW Ander'], [CPAS.alpha1, 'CPAS de Démoville'], [unknown, unknown]])
  t.same([...(await cpasNames(ctx, all, 'nl'))].map(([, n]) => n), ['OCMW Plaats', 'OCMW Ander', 'CPAS de Démoville', unknown])
  t.same([...(await cpasNames(ctx, all, 'en'))].map(([, n]) => n), ['CPAS de Lieu', 'OCMW Ander', 'CPAS de Démoville', unknown])
  t.same([...(await cpasNames(ctx, [], 'fr'))], [])
  // A value not written by the directory (hand-edited Redis) reads as unnamed, not as a failure.
  await ctx.redis.hset(keys.cpasDirectory(ctx.keys), unknown, '{not json')
  t.equal((await cpasNames(ctx, [unknown], 'fr')).get(unknown), unknown)
  const listed = (await list(gw)).items
  t.notOk(listed.some((i) => i.kbo === unknown), 'an unreadable entry is left out of the list')
  t.equal(nameIn(undefined, 'fr'), undefined)
  t.equal(entryName({ kbo: K2, nameNl: 'OCMW Ander' }, 'fr'), 'OCMW Ander')
  t.equal(entryName({ kbo: K2, partiesName: 'P' }, 'nl'), 'P')
  t.equal(entryName({ kbo: K2 }, 'en'), K2)
})

t.test('demo names: both languages from either form', async (t) => {
  t.same(demoCpasNames([{ kbo: K1, name: 'CPAS de Lieu' }, { kbo: K2, name: 'OCMW Plaats' }, { kbo: K1, name: 'Elsewhere' }]), [
    { kbo: K1, nameFr: 'CPAS de Lieu', nameNl: 'OCMW Lieu' },
    { kbo: K2, nameFr: 'CPAS de Plaats', nameNl: 'OCMW Plaats' },
    { kbo: K1, nameFr: 'CPAS de Elsewhere', nameNl: 'OCMW Elsewhere' },
  ])
})
