/* global process, console */
/**
 * Writes src/client/schema-types.ts: the REST messages' TypeScript types, generated from the
 * published JSON Schemas (schemas/*.schema.json) by json-schema-to-typescript, so the client's
 * types cannot drift from what the gateway validates. Run after changing a schema:
 *
 *   npm run client:types            # rewrite the file
 *   node packages/client/scripts/generate-types.mjs --check   # exit 1 when the file is stale
 *
 * The generator names a type after its schema's title; the schemas' titles are sentences, so the
 * names are given here (NAMES) and every other title is dropped, which inlines the unnamed parts.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { compile } from 'json-schema-to-typescript'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const SCHEMAS = join(ROOT, 'schemas')
export const OUTPUT = join(ROOT, 'src/client/schema-types.ts')

/**
 * "schema file#JSON pointer" → the type's name. The root of each message schema the client sends
 * or reads, the nested objects worth a name, and the shared enums of common.schema.json.
 */
export const NAMES = {
  'blinker.schema.json#': 'Blinker',
  'blinker.schema.json#/properties/beneficiary': 'Beneficiary',
  'blinker.schema.json#/properties/form': 'SubsidyForm',
  'blinker.schema.json#/properties/finding': 'Finding',
  'published-blinker.schema.json#': 'PublishedBlinker',
  'blinker-page.schema.json#': 'BlinkerPage',
  'blinker-batch.schema.json#': 'BlinkerBatch',
  'publish-result.schema.json#': 'PublishResult',
  'feedback.schema.json#': 'Feedback',
  'feedback-batch.schema.json#': 'FeedbackBatch',
  'receipt.schema.json#': 'Receipt',
  'feedback-batch-result.schema.json#': 'FeedbackBatchResult',
  'feedback-batch-result.schema.json#/properties/rejected/items': 'RejectedItem',
  'feedback-batch-result.schema.json#/properties/rejected/items/properties/errors/items': 'ItemError',
  'feedback-status.schema.json#': 'FeedbackStatusView',
  'decision-request.schema.json#': 'DecisionRequest',
  'decision-request.schema.json#/properties/decision': 'Decision',
  'decision-result.schema.json#': 'DecisionResult',
  'subscription-request.schema.json#': 'SubscriptionRequest',
  'feedback-codes.schema.json#': 'FeedbackCatalogue',
  'feedback-codes.schema.json#/properties/codes/items': 'FeedbackCode',
  'sandbox-blinkers-request.schema.json#': 'SandboxBlinkersRequest',
  'sandbox-blinkers-result.schema.json#': 'SandboxBlinkersResult',
  'sandbox-reset-request.schema.json#': 'SandboxResetRequest',
  'sandbox-reset-result.schema.json#': 'SandboxResetResult',
  'conformance-run.schema.json#': 'ConformanceRun',
  'conformance-run.schema.json#/properties/scenarios/items': 'ConformanceScenarioResult',
  'conformance-record.schema.json#': 'ConformanceRecord',
  'problem.schema.json#': 'Problem',
  'problem.schema.json#/properties/errors/items': 'FieldError',
  'common.schema.json#/$defs/regime': 'Regime',
  'common.schema.json#/$defs/formType': 'FormType',
  'common.schema.json#/$defs/flow': 'Flow',
  'common.schema.json#/$defs/catalogueFlow': 'CatalogueFlow',
  'common.schema.json#/$defs/blinkerStatus': 'BlinkerStatus',
  'common.schema.json#/$defs/feedbackStatus': 'FeedbackStatus',
  'common.schema.json#/$defs/historyEntry': 'HistoryEntry',
}

const BANNER = `/**
 * GENERATED from schemas/*.schema.json by packages/client/scripts/generate-types.mjs: do not edit.
 * Run \`npm run client:types\` after changing a schema (tests/client/schema-types.test.ts fails
 * while this file is stale).
 */`

const load = (dir) => Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.schema.json')).map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]))

function at(doc, pointer) {
  let node = doc
  for (const part of pointer.split('/').slice(1)) node = node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')]
  return node
}

/**
 * The message schemas with every `$ref` replaced by the very object it points at (so a shared
 * definition is one object, hence one type) and titles set from NAMES only. The schemas have no
 * cycles; `seen` guards anyway.
 */
function linked(docs) {
  const named = new Map()
  for (const [key, name] of Object.entries(NAMES)) {
    const [file, pointer] = key.split('#')
    const node = at(docs[file], pointer)
    if (!node) throw new Error(`${key}: no such schema node`)
    named.set(node, name)
  }
  const done = new Map()
  const visit = (node, file, seen) => {
    if (Array.isArray(node)) return node.map((n) => visit(n, file, seen))
    if (node === null || typeof node !== 'object') return node
    if (typeof node.$ref === 'string') {
      const [target, pointer = ''] = node.$ref.split('#')
      const targetFile = target === '' ? file : target
      const resolved = at(docs[targetFile], pointer)
      if (!resolved) throw new Error(`${file}: unresolved $ref ${node.$ref}`)
      return visit(resolved, targetFile, seen)
    }
    if (done.has(node)) return done.get(node)
    if (seen.has(node)) throw new Error(`${file}: a $ref cycle`)
    seen.add(node)
    const out = {}
    done.set(node, out)
    for (const [k, v] of Object.entries(node)) {
      if (k === 'title' || k === '$id' || k === '$schema' || k === '$defs' || k === 'examples') continue
      // The keys of `properties` are names, not keywords: a property may well be called "title".
      out[k] = k === 'properties' || k === 'patternProperties' ? Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, visit(sub, file, seen)])) : visit(v, file, seen)
    }
    const name = named.get(node)
    if (name) {
      out.title = name
      // The schema's own title is a sentence worth keeping: it becomes the type's doc comment.
      if (!out.description && typeof node.title === 'string') out.description = node.title
    }
    seen.delete(node)
    return out
  }
  const roots = Object.entries(NAMES).filter(([key]) => key.endsWith('#')).map(([key]) => [NAMES[key], visit(docs[key.slice(0, -1)], key.slice(0, -1), new Set())])
  const enums = Object.entries(NAMES).filter(([key]) => key.startsWith('common.schema.json#')).map(([key, name]) => [name, visit(at(docs['common.schema.json'], key.split('#')[1]), 'common.schema.json', new Set())])
  return Object.fromEntries([...roots, ...enums])
}

/** The text of src/client/schema-types.ts for the schemas in `dir` (default: the published ones). */
export async function generate(dir = SCHEMAS) {
  const definitions = linked(load(dir))
  const text = await compile({ title: 'SchemaTypes', definitions }, 'SchemaTypes', {
    bannerComment: BANNER,
    additionalProperties: false,
    declareExternallyReferenced: true,
    unreachableDefinitions: true,
    ignoreMinAndMaxItems: true,
    strictIndexSignatures: true,
    unknownAny: true,
    format: true,
    style: { semi: false, singleQuote: true, printWidth: 140, trailingComma: 'all' },
  })
  // The root is only a carrier for `definitions`, and the generator's note on each type says so.
  return text
    .replace(/\nexport interface SchemaTypes \{\n[^}]*\}\n/, '\n')
    .replace(/\/\*\*\n \* This interface was referenced by `SchemaTypes`'s JSON-Schema\n \* via the `definition` "\w+"\.\n \*\/\n/g, '')
    .replace(/\n \*\n \* This interface was referenced by `SchemaTypes`'s JSON-Schema\n \* via the `definition` "\w+"\./g, '')
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // --schemas <dir>: generate from another folder (the staleness test proves a schema change shows).
  const dirArg = process.argv.indexOf('--schemas')
  const text = await generate(dirArg > 0 ? process.argv[dirArg + 1] : SCHEMAS)
  if (process.argv.includes('--stdout')) process.stdout.write(text)
  else if (process.argv.includes('--check')) {
    const current = readFileSync(OUTPUT, 'utf8')
    if (current !== text) {
      console.error('src/client/schema-types.ts is stale: run `npm run client:types`')
      process.exitCode = 1
    }
  } else {
    writeFileSync(OUTPUT, text)
    console.log(`wrote ${OUTPUT}`)
  }
}
