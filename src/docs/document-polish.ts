/**
 * Last touches on the generated document (@fastify/swagger's transformObject), for what a route
 * transform cannot say: a request body's example is given as `{ allOf: [schema], examples }`
 * because a `$ref` with a sibling would be inlined by the swagger plugin's resolver; the plugin
 * then moves the example to the media type and leaves `{ allOf: [ref] }`, which linters flag
 * (redocly's no-illogical-composition-keywords). That lone wrapper is unwrapped here.
 * And every published schema is in Fastify's schema store (so route `$ref`s resolve), hence a
 * component; those no operation reaches (parties, catalogues, the `common` $defs holder…) are
 * dropped from the document — they stay published at /schemas/ — so generators make no dead types
 * and linters no no-unused-components warnings.
 */

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `{ allOf: [x] }` and nothing else → x; anything else unchanged. */
export function unwrapLoneAllOf(schema: unknown): unknown {
  if (!isObject(schema)) return schema
  const keys = Object.keys(schema)
  const allOf = schema.allOf
  if (keys.length === 1 && Array.isArray(allOf) && allOf.length === 1) return unwrapLoneAllOf(allOf[0])
  return schema
}

const COMPONENT_REF = /^#\/components\/schemas\/([^/]+)/

/** Names of the components a value refers to (`$ref: #/components/schemas/<name>[/…]`). */
function refsIn(value: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(value)) for (const v of value) refsIn(v, into)
  else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const m = k === '$ref' && typeof v === 'string' ? COMPONENT_REF.exec(v) : null
      if (m?.[1]) into.add(decodeURIComponent(m[1].replace(/~1/g, '/').replace(/~0/g, '~')))
      else refsIn(v, into)
    }
  }
  return into
}

/** Drops the schema components that nothing outside them reaches, directly or through others. */
export function pruneUnusedSchemas(doc: Json): void {
  const components = isObject(doc.components) ? doc.components : undefined
  const schemas = components && isObject(components.schemas) ? components.schemas : undefined
  if (!components || !schemas) return
  const reached = refsIn({ ...doc, components: { ...components, schemas: {} } }, new Set())
  for (let todo = [...reached]; todo.length > 0; ) {
    const next = [...refsIn(schemas[todo.pop() as string], new Set())].filter((n) => !reached.has(n))
    for (const n of next) reached.add(n)
    todo = [...todo, ...next]
  }
  for (const name of Object.keys(schemas)) if (!reached.has(name)) delete schemas[name]
}

/** Unwraps the request bodies' lone allOf and prunes unused schemas, in place; returns the document. */
export function polishDocument<T>(doc: T): T {
  const paths = isObject(doc) && isObject(doc.paths) ? doc.paths : {}
  for (const ops of Object.values(paths)) {
    if (!isObject(ops)) continue
    for (const op of Object.values(ops)) {
      const content = isObject(op) && isObject(op.requestBody) && isObject(op.requestBody.content) ? op.requestBody.content : {}
      for (const media of Object.values(content)) if (isObject(media) && 'schema' in media) media.schema = unwrapLoneAllOf(media.schema)
    }
  }
  if (isObject(doc)) pruneUnusedSchemas(doc)
  return doc
}
