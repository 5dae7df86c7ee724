/**
 * The client package as an integrator gets it: `npm pack` in packages/client (its prepack builds
 * it), the tarball installed into an empty folder without a registry (the package has no
 * dependencies), then, with nothing but that installation:
 * - ajv-cli with the package's plugin validates every published JSON example, and refuses a bad
 *   KBO or NISS checksum (the formats are the gateway's checks);
 * - a consumer's TypeScript type-checks against the package's declarations (schema-generated);
 * - a lifecycle against a real gateway: published over REST by the publisher, then pulled,
 *   acknowledged, answered with feedback, forwarded, decided and CLOSED through the package.
 */
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { blinker, CPAS } from '../helpers/blinkers.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'

const run = promisify(execFile)
const ROOT = resolve(import.meta.dirname, '../..')
const work = mkdtempSync(join(tmpdir(), 'packed-client-'))
t.teardown(() => rmSync(work, { recursive: true, force: true }))

// Async child processes throughout: the gateway of the lifecycle runs in this process.
const started = Date.now()
const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/client/package.json'), 'utf8')) as { version: string }
await run('npm', ['pack', '--pack-destination', work], { cwd: join(ROOT, 'packages/client') })
const tarball = join(work, `blinker-gateway-client-${version}.tgz`)
const consumer = join(work, 'consumer')
mkdirSync(consumer)
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
await run('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund'], { cwd: consumer })
const installed = join(consumer, 'node_modules/@blinker-gateway/client')
t.comment(`packed and installed in ${Date.now() - started} ms`)

t.test('the tarball: the built package, no dependencies, nothing of the gateway but the identifier checks', async (t) => {
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as Record<string, unknown>
  t.equal(manifest.dependencies, undefined, 'no runtime dependencies')
  const { stdout } = await run('tar', ['-tzf', tarball])
  const files = stdout.trim().split('\n').map((f) => f.replace(/^package\//, '')).sort()
  t.ok(files.includes('dist/client/index.js') && files.includes('dist/client/schema-types.d.ts') && files.includes('ajv-plugin.cjs'))
  t.same(files.filter((f) => !/^dist\/(client|cjs\/client)\//.test(f)), ['README.md', 'ajv-plugin.cjs', 'dist/cjs/domain/identifiers.js', 'dist/cjs/package.json', 'dist/domain/identifiers.d.ts', 'dist/domain/identifiers.js', 'package.json'])
})

/** Every schema a schema file reaches through `$ref`s to other files, itself excluded. */
function refsOf(file: string): string[] {
  const seen = new Set([file])
  const visit = (f: string) => {
    for (const [, target] of readFileSync(join(ROOT, 'schemas', f), 'utf8').matchAll(/"\$ref":\s*"([^"#]+)/g)) {
      if (target && !seen.has(target)) {
        seen.add(target)
        visit(target)
      }
    }
  }
  visit(file)
  return [...seen].filter((f) => f !== file).sort()
}

/** The README's command: ajv-cli, draft 2020-12, ajv-formats and the package's plugin; `data` may be several files. */
function ajv(schema: string, data: string[], plugin = true) {
  const args = ['validate', '--spec=draft2020', '-c', 'ajv-formats', ...(plugin ? ['-c', join(installed, 'ajv-plugin.cjs')] : []), '-s', `schemas/${schema}`, ...refsOf(schema).flatMap((r) => ['-r', `schemas/${r}`]), ...data.flatMap((d) => ['-d', d])]
  return run(join(ROOT, 'node_modules/.bin/ajv'), args, { cwd: ROOT }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
  )
}

t.test('ajv-cli with the packed plugin: every published JSON example passes, a bad checksum fails', async (t) => {
  const index = JSON.parse(readFileSync(join(ROOT, 'schemas/examples/index.json'), 'utf8')) as { operations: { examples: { file: string; schema?: string }[] }[] }
  // One ajv-cli run per schema, with all of its examples (ajv-cli prints "<file> valid" for each).
  const bySchema = new Map<string, Set<string>>()
  for (const e of index.operations.flatMap((o) => o.examples)) if (e.schema) bySchema.set(e.schema, (bySchema.get(e.schema) ?? new Set()).add(`schemas/examples/${e.file}`))
  t.ok(bySchema.size >= 15, `${bySchema.size} schemas with JSON examples`)
  const runs = [...bySchema]
  for (let i = 0; i < runs.length; i += 4) {
    const results = await Promise.all(runs.slice(i, i + 4).map(async ([schema, files]) => ({ schema, files, r: await ajv(schema, [...files]) })))
    for (const { schema, files, r } of results) {
      t.equal(r.code, 0, `${schema}: ${r.out.trim()}`)
      for (const file of files) t.match(r.out, new RegExp(`^${file} valid$`, 'm'), `${file} valid against ${schema}`)
    }
  }

  const feedback = JSON.parse(readFileSync(join(ROOT, 'schemas/examples/rest/submit-feedback.request.json'), 'utf8')) as { cpasKbo: string }
  t.equal(feedback.cpasKbo, '0212344876', 'the example names the demo CPAS')
  writeFileSync(join(work, 'bad-kbo.json'), JSON.stringify({ ...feedback, cpasKbo: '0212344877' }))
  const badKbo = await ajv('feedback.schema.json', [join(work, 'bad-kbo.json')])
  t.equal(badKbo.code, 1, 'a KBO whose mod-97 check fails is invalid')
  t.match(badKbo.out, /must match format "kbo"/)

  const batch = JSON.parse(readFileSync(join(ROOT, 'schemas/examples/rest/publish-blinkers.request.json'), 'utf8')) as { blinkers: { beneficiary: { niss: string } }[] }
  const niss = batch.blinkers[0]?.beneficiary.niss ?? ''
  // Same birth date and serial, check digits off by one: only the checksum is wrong.
  const first = batch.blinkers[0]
  if (first) first.beneficiary.niss = `${niss.slice(0, 9)}${String((Number(niss.slice(9)) + 1) % 100).padStart(2, '0')}`
  writeFileSync(join(work, 'bad-niss.json'), JSON.stringify(batch))
  const badNiss = await ajv('blinker-batch.schema.json', [join(work, 'bad-niss.json')])
  t.equal(badNiss.code, 1, 'a NISS whose mod-97 check fails is invalid')
  t.match(badNiss.out, /must match format "niss"/)

  const without = await ajv('feedback.schema.json', ['schemas/examples/rest/submit-feedback.request.json'], false)
  t.not(without.code, 0, 'without the plugin ajv-cli cannot compile the schemas')
  t.match(without.out, /unknown format "kbo"/)
})

t.test("a consumer's TypeScript type-checks against the installed declarations", async (t) => {
  copyFileSync(join(ROOT, 'tests/client/consumer/consumer.ts.txt'), join(consumer, 'consumer.ts'))
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
    // skipLibCheck and no @types/node, as a consumer without them would have: faster, and enough.
    compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] },
    files: ['consumer.ts'],
  }))
  const check = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', consumer]).then(() => ({ code: 0, out: '' }), (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }))
  t.equal(check.code, 0, check.out)
})

t.test('a lifecycle with the installed package against a gateway, to CLOSED', async (t) => {
  // No INSPECTION_URL: the forward worker writes to the built-in inspection inbox.
  const gw = await startGateway(t, {}, { workers: true })
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(gw.app.server.address() as AddressInfo).port}`
  // Code 140 (income before the right starts) is a cancellation of the work-income flows.
  const b = blinker(CPAS.alpha1, { flow: 'WORK_INCOME_DIMONA' })
  const res = await fetch(`${baseUrl}/acceptance/v1/blinkers`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.acceptance.publisher}`, 'content-type': 'application/json' }, body: JSON.stringify({ blinkers: [b] }) })
  t.equal(res.status, 202)
  t.match(await res.json(), { accepted: 1 })

  const messageId = randomUUID()
  copyFileSync(join(ROOT, 'tests/client/consumer/lifecycle.mjs'), join(consumer, 'lifecycle.mjs'))
  const { stdout } = await run(process.execPath, ['lifecycle.mjs'], {
    cwd: consumer,
    env: { ...process.env, BASE_URL: baseUrl, TOKEN: TOKENS.acceptance.alpha, INSPECTION_TOKEN: TOKENS.acceptance.inspection, CPAS: CPAS.alpha1, OTHER_CPAS: CPAS.beta, MESSAGE_ID: messageId, CODE: '140' },
  })
  const seen = JSON.parse(stdout) as Record<string, unknown>
  t.same(seen.pulled, [b.blinkerId], 'the one published blinker, pulled')
  t.match(seen.next, /^[A-Za-z0-9_-]+$/)
  t.equal(seen.acknowledged, 'ACKNOWLEDGED')
  t.match(seen.receipt, { messageId, status: 'RECEIVED' })
  t.equal(seen.sameReceipt, true, 'a re-sent message gets its first receipt')
  t.same(seen.forwarded, ['RECEIVED', 'FORWARDED'])
  t.same(seen.decision, { status: 'ACCEPTED', blinkerStatus: 'CLOSED' })
  t.same(seen.closed, ['PUBLISHED', 'DELIVERED', 'ACKNOWLEDGED', 'FEEDBACK_RECEIVED', 'FORWARDED', 'CLOSED'])
  t.same(seen.refusal, { isProblemError: true, status: 403, code: 'GW_ERR_FORBIDDEN_CPAS' }, "the package's own error class")

  const state = await gw.app.inject({ method: 'GET', url: `/acceptance/v1/blinkers/${b.blinkerId}`, headers: { authorization: `Bearer ${TOKENS.acceptance.inspection}` } })
  t.equal(state.json().status, 'CLOSED', 'the gateway has it CLOSED')
})
