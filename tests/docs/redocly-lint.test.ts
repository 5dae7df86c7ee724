/**
 * The live OpenAPI document passes `redocly lint` with Redocly's recommended ruleset (redocly.yaml):
 * no error, and every warning is one of the justified kinds of the README ("OpenAPI lint"), each
 * checked here against the operation it is about rather than just counted, so a new route gets
 * the same judgement: a warning of another rule, or one whose reason does not hold, fails.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

type Op = { parameters?: unknown[]; requestBody?: unknown; security?: unknown[]; responses: Record<string, unknown> }
type Doc = { info: { license?: { name: string } }; paths: Record<string, Record<string, Op>> }
type Problem = { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer?: string }[] }

const unescape = (s: string) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~')

/** The operation a pointer `#/paths/<path>/<method>/…` is about. */
function operationAt(doc: Doc, pointer: string): Op | undefined {
  const [, path, method] = /^#\/paths\/([^/]+)\/([^/]+)/.exec(pointer) ?? []
  return path && method ? doc.paths[unescape(path)]?.[method] : undefined
}

const isEnvParam = (p: unknown) => (p as { in?: string; name?: string }).in === 'path' && (p as { name?: string }).name === 'env'

/** redocly lint on a file with the repository's configuration, JSON output. */
function lint(file: string, cwd: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', `--config=${join(ROOT, 'redocly.yaml')}`, '--format=json', '--max-problems=1000', file], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  })
  return { status: run.status, out: JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Problem[] } }
}

/** Why a warning is accepted (the README says the same), or undefined: not justified. */
function justification(doc: Doc, p: Problem): string | undefined {
  const pointer = p.location[0]?.pointer ?? ''
  const op = operationAt(doc, pointer)
  switch (p.ruleId) {
    case 'operation-2xx-response':
      // A form post answers 303 (post/redirect/get), a login 302 to the identity provider.
      return op && Object.keys(op.responses).some((s) => /^3/.test(s)) ? 'success is a redirect' : undefined
    case 'operation-4xx-response':
      // No parameter, no body, no credential: nothing a client could get wrong.
      return op && (op.parameters ?? []).every(isEnvParam) && !op.requestBody && op.security?.length === 0 ? 'takes no input' : undefined
    case 'no-ambiguous-paths':
      // /{env}/x against /schemas/{file}: env is an enum (acceptance, production), never "schemas".
      return /^#\/paths\/~1\{env\}~1/.test(pointer) ? '{env} is an enum' : undefined
    case 'info-license-strict':
      // UNLICENSED (package.json): a proprietary licence has no SPDX identifier nor a public URL.
      return pointer === '#/info/license' && doc.info.license?.name === 'UNLICENSED' ? 'proprietary' : undefined
    default:
      return undefined
  }
}

t.test('redocly lint (recommended): 0 errors, only justified warnings', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gw.app.server.address()
  const res = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/docs/json`)
  t.equal(res.status, 200)
  const text = await res.text()
  const doc = JSON.parse(text) as Doc

  const dir = mkdtempSync(join(tmpdir(), 'bgw-redocly-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const file = join(dir, 'openapi.json')
  writeFileSync(file, text)
  const run = lint(file, dir)
  const out = run.out
  const errors = out.problems.filter((p) => p.severity === 'error')
  t.same(
    errors.map((p) => `${p.ruleId} ${p.location[0]?.pointer}`),
    [],
    'no error',
  )
  t.equal(out.totals.errors, 0)
  t.equal(run.status, 0, 'redocly exits 0')
  const warnings = out.problems.filter((p) => p.severity === 'warn')
  const unjustified = warnings.filter((p) => !justification(doc, p)).map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)
  t.same(unjustified, [], 'every warning is a justified kind')
  t.equal(out.totals.warnings, warnings.length)
  t.comment(`${warnings.length} justified warnings: ${[...new Set(warnings.map((p) => p.ruleId))].join(', ')}`)

  // The linter is live: an operation without operationId and with a trailing slash is flagged.
  const broken = { ...doc, paths: { ...doc.paths, '/broken/': { get: { responses: { 200: { description: 'x' } } } } } }
  writeFileSync(file, JSON.stringify(broken))
  const again = lint(file, dir)
  const rules = again.out.problems.map((p) => p.ruleId)
  t.ok(rules.includes('no-path-trailing-slash') && rules.includes('operation-operationId'), 'a broken document is flagged')
  t.not(again.status, 0)
})
