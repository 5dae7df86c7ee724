/**
 * The client's types are generated from the published JSON Schemas (src/client/schema-types.ts,
 * by packages/client/scripts/generate-types.mjs): the file on disk is what the generator makes of
 * the schemas today, a schema change shows in the output, every message schema of the
 * software-house API has its named type, and values typed with the client's types are valid.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import type { Blinker, ConformanceRun, DecisionRequest, Feedback, SandboxBlinkersRequest } from '../../src/client/index.js'
import { schemaValidator } from '../../src/validation/json-schemas.js'

const GENERATOR = 'packages/client/scripts/generate-types.mjs'
const generated = (...args: string[]) => execFileSync(process.execPath, [GENERATOR, '--stdout', ...args], { encoding: 'utf8' })
const onDisk = readFileSync('src/client/schema-types.ts', 'utf8')

t.test('src/client/schema-types.ts is not stale (run `npm run client:types` after a schema change)', async (t) => {
  t.equal(onDisk, generated(), 'the generator makes exactly the committed file')
  t.match(onDisk, /^\/\*\*\n \* GENERATED from schemas/, 'marked as generated')
})

t.test('a schema change shows in the generated types', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'schemas-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  cpSync('schemas', dir, { recursive: true })
  const file = join(dir, 'feedback.schema.json')
  const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, unknown>; required: string[] }
  schema.properties.channelHint = { type: 'string' }
  schema.required = schema.required.filter((r) => r !== 'sentAt')
  writeFileSync(file, JSON.stringify(schema))
  const changed = generated('--schemas', dir)
  t.not(changed, onDisk)
  const feedback = /export interface Feedback \{([^}]*)\}/.exec(changed)?.[1] ?? ''
  t.match(feedback, /\n {2}channelHint\?: string\n/, 'the new optional property')
  t.match(feedback, /\n {2}sentAt\?: string\n/, 'no longer required')
  t.match(/export interface Feedback \{([^}]*)\}/.exec(onDisk)?.[1], /\n {2}sentAt: string\n/, 'required in the published schema')
})

t.test('every message schema of the software-house API has its named type, with its properties', async (t) => {
  const types: Record<string, string> = {
    'blinker.schema.json': 'Blinker', 'published-blinker.schema.json': 'PublishedBlinker', 'blinker-page.schema.json': 'BlinkerPage',
    'feedback.schema.json': 'Feedback', 'receipt.schema.json': 'Receipt', 'feedback-batch-result.schema.json': 'FeedbackBatchResult',
    'feedback-status.schema.json': 'FeedbackStatusView', 'problem.schema.json': 'Problem', 'decision-request.schema.json': 'DecisionRequest',
    'decision-result.schema.json': 'DecisionResult', 'sandbox-blinkers-request.schema.json': 'SandboxBlinkersRequest',
    'sandbox-reset-result.schema.json': 'SandboxResetResult', 'conformance-run.schema.json': 'ConformanceRun', 'conformance-record.schema.json': 'ConformanceRecord',
  }
  for (const [file, name] of Object.entries(types)) {
    const schema = JSON.parse(readFileSync(`schemas/${file}`, 'utf8')) as { properties: Record<string, unknown>; required?: string[] }
    const body = new RegExp(`export interface ${name} \\{\\n((?: {2}.*\\n)*)\\}`).exec(onDisk)?.[1]
    if (!t.ok(body, `${file} → interface ${name}`)) continue
    // Top-level members only (two-space indent), with their optional mark.
    const members = [...(body ?? '').matchAll(/^ {2}(\w+)(\??):/gm)].map((m) => `${m[1]}${m[2]}`).sort()
    const expected = Object.keys(schema.properties).map((p) => (schema.required ?? []).includes(p) ? p : `${p}?`).sort()
    t.same(members, expected, `${name}: the schema's properties, required ones without '?'`)
  }
})

t.test('values typed with the client types are valid against the schemas', async (t) => {
  const blinker: Blinker = JSON.parse(readFileSync('tests/fixtures/messages/blinker-full.json', 'utf8'))
  const feedback: Feedback = { messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', blinkerId: blinker.blinkerId, cpasKbo: blinker.cpasKbo, code: 999, comment: 'why', sentAt: '2026-11-23T10:00:00+01:00' }
  const decision: DecisionRequest = { messageId: feedback.messageId, decision: 'REFUSED', reason: 'income confirmed' }
  const sandbox: SandboxBlinkersRequest = { cpasKbo: '0212344876', count: 2, flows: ['PENSION', 'UNEMPLOYMENT'] }
  const run: ConformanceRun = { runner: { name: 'x', version: '1' }, startedAt: '2026-11-23T10:00:00Z', finishedAt: '2026-11-23T10:00:01Z', soap: true, target: 'http://x', scenarios: [{ name: 'wrong-cpas', passed: true, durationMs: 3 }] }
  for (const [file, value] of [
    ['blinker.schema.json', blinker],
    ['feedback.schema.json', feedback],
    ['decision-request.schema.json', decision],
    ['sandbox-blinkers-request.schema.json', sandbox],
    ['conformance-run.schema.json', run],
  ] as const) {
    const validate = schemaValidator(file)
    t.ok(validate(value), `${file}: ${JSON.stringify(validate.errors ?? [])}`)
  }
})
