import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildDirectory, demoPartiesFile, hashToken, loadParties } from '../src/parties/parties.js'

const write = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'parties-')), 'parties.json')
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content))
  return file
}

t.test('demo parties: fixed tokens, both environments, CPAS scopes', async (t) => {
  const dir = loadParties(undefined, ['acceptance', 'production'])
  t.ok(dir.demo)
  const alpha = dir.byToken('demo-acc-alpha')
  t.equal(alpha?.env, 'acceptance')
  t.equal(alpha?.role, 'software-house')
  t.same([...(alpha?.cpas ?? [])], ['0212344876', '0207151616'])
  t.same([...(dir.byToken('demo-prod-beta')?.cpas ?? [])], ['0207017596'])
  t.equal(dir.byToken('demo-prod-publisher')?.role, 'publisher')
  t.equal(dir.byToken('demo-acc-inspection')?.role, 'inspection')
  t.equal(dir.byToken('nope'), undefined)
  t.equal(dir.environments.get('acceptance')?.knownCpas.get('0207017596')?.servedBy, 'beta')
})

t.test('only served environments are loaded', async (t) => {
  const dir = loadParties(undefined, ['production'])
  t.equal(dir.environments.has('acceptance'), false)
  t.equal(dir.byToken('demo-acc-alpha'), undefined, 'acceptance tokens unknown to a production-only deployment')
})

t.test('a parties file is validated against its schema', async (t) => {
  t.throws(() => loadParties(write('{not json'), ['acceptance']), { name: 'PartiesError', message: /cannot read it as JSON/ })
  t.throws(() => loadParties(write({ acceptance: { parties: [{ id: 'x', role: 'admin', tokenSha256: [] }] } }), ['acceptance']), { message: /role/ })
  t.throws(() => loadParties(write({ acceptance: { parties: [{ id: 'x', role: 'publisher', tokenSha256: ['abc'] }] } }), ['acceptance']), { message: /tokenSha256/ })
  t.throws(
    () => loadParties(write({ acceptance: { parties: [{ id: 'x', role: 'software-house', tokenSha256: [hashToken('a')], cpas: ['0212344877'] }] } }), ['acceptance']),
    { message: /cpas\/0/ },
    'bad kbo checksum in the file',
  )
  const ok = loadParties(write({ acceptance: { parties: [{ id: 'pub', role: 'publisher', tokenSha256: [hashToken('s3cret-token')] }] } }), ['acceptance'])
  t.equal(ok.demo, false)
  t.equal(ok.byToken('s3cret-token')?.id, 'pub')
})

t.test('inconsistent directories are refused', async (t) => {
  const file = demoPartiesFile()
  const acc = file.acceptance
  if (!acc) throw new Error('demo file has no acceptance')
  const shared = structuredClone(file)
  shared.production?.parties.push({ id: 'dup', role: 'publisher', tokenSha256: [hashToken('demo-acc-alpha')] })
  t.throws(() => buildDirectory(shared, ['acceptance', 'production']), { message: /also given to acceptance\/alpha/ }, 'one token, two parties')
  const twice = structuredClone(file)
  twice.acceptance?.parties.push({ id: 'gamma', role: 'software-house', tokenSha256: [hashToken('g')], cpas: ['0212344876'] })
  t.throws(() => buildDirectory(twice, ['acceptance']), { message: /served by both alpha and gamma/ })
  const scoped = structuredClone(file)
  scoped.acceptance?.parties.push({ id: 'pub2', role: 'publisher', tokenSha256: [hashToken('p2')], cpas: ['0212344876'] })
  t.throws(() => buildDirectory(scoped, ['acceptance']), { message: /only software houses serve CPAS/ })
  t.equal(acc.parties.length, 5, 'clones did not touch the original')
})
