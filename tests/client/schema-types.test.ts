/**
 * The client's types against the published JSON Schemas: every object the client declares names
 * exactly the properties of its schema (the compile-time checks in src/client/types.ts tie the
 * same lists to the TypeScript types), and values typed with the client's types are valid.
 */
import { readFileSync } from 'node:fs'
import t from 'tap'
import type { Blinker, ConformanceRun, DecisionRequest, Feedback, SandboxBlinkersRequest } from '../../src/client/index.js'
import { SCHEMA_FIELDS } from '../../src/client/types.js'
import { schemaValidator } from '../../src/validation/json-schemas.js'

const schema = (file: string) => JSON.parse(readFileSync(`schemas/${file}`, 'utf8')) as Record<string, unknown>

function at(doc: Record<string, unknown>, pointer: string): Record<string, unknown> {
  let node: unknown = doc
  for (const part of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[part]
  return node as Record<string, unknown>
}

t.test('every declared object names exactly its schema properties', async (t) => {
  for (const [file, objects] of Object.entries(SCHEMA_FIELDS)) {
    const doc = schema(file)
    for (const [pointer, fields] of Object.entries(objects)) {
      const props = Object.keys((at(doc, pointer).properties ?? {}) as object).sort()
      t.same([...fields].sort(), props, `${file}#${pointer}`)
      const required = (at(doc, pointer).required ?? []) as string[]
      t.ok(required.every((r) => fields.includes(r)), `${file}#${pointer}: required fields declared`)
    }
  }
})

t.test('the client covers every message schema of the software-house API', async (t) => {
  for (const file of ['blinker.schema.json', 'published-blinker.schema.json', 'blinker-page.schema.json', 'feedback.schema.json', 'receipt.schema.json', 'feedback-batch-result.schema.json', 'feedback-status.schema.json', 'problem.schema.json', 'sandbox-blinkers-request.schema.json', 'sandbox-reset-result.schema.json', 'conformance-run.schema.json', 'conformance-record.schema.json']) {
    t.ok(SCHEMA_FIELDS[file], `${file} has a client type`)
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
