/**
 * The OpenAPI 3.1 document, generated from the routes as registered (@fastify/swagger, dynamic
 * mode), served at GET /docs (Swagger UI, assets from the npm package) and GET /docs/json.
 *
 * Must be installed on the root app BEFORE any route: its onRoute hook is what sees the routes.
 * The published JSON Schemas are added to Fastify's schema store so that route schemas' `$ref`s
 * (`common.schema.json#/$defs/kbo`, `feedback.schema.json`) become `#/components/schemas/…`.
 * The two environments' identical subtrees are documented once as `/{env}/…`.
 *
 * The transform below only changes the document, never the routes: response schemas are not
 * added to the routes themselves, because Fastify would then serialize answers through them.
 */
import { readFileSync } from 'node:fs'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify'
import type { EnvName } from '../config.js'
import { ERRORS, type ErrorCode } from '../errors.js'
import { ROOT_DIR, SCHEMAS_DIR } from '../paths.js'
import { SCHEMA_FILES } from '../validation/json-schemas.js'
import { errorResponses, genericErrors, takesBody, type RouteShape } from './error-responses.js'
import { polishDocument } from './document-polish.js'
import { operationIdOf } from './operation-ids.js'
import { ROUTE_DOCS, TAGS, type ResponseDoc, type RouteDoc } from './route-docs.js'

export interface OpenApiOptions {
  /** Environments served: the values of the {env} path parameter. */
  environments: readonly EnvName[]
  /** PUBLIC_BASE_URL, the server of the document; default: relative to the page ('/'). */
  publicBaseUrl?: string | undefined
  /** Rate limiting is on (RATE_LIMIT_MAX > 0): protected routes document 429; default false. */
  rateLimited?: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (the OpenAPI completeness test walks it). */
    routeTable: readonly RouteOptions[]
  }
}

type Schema = FastifySchema & Record<string, unknown>
const ENV_URL = /^\/(acceptance|production)(\/.*)?$/

/** `METHOD /path` with `/{env}` for the environment prefix: the key of ROUTE_DOCS. */
export function docKey(method: string, url: string): string {
  const m = ENV_URL.exec(url)
  return `${method.toUpperCase()} ${m ? `/{env}${m[2] ?? ''}` : url}`
}

// Wrapped, not a sibling of a `$ref` (the plugin would inline the reference); the lone allOf left
// once the plugin has moved the example to the media type is unwrapped (document-polish.ts).
const withExample = (schema: object, example: unknown): object => (example === undefined ? schema : { allOf: [schema], examples: [example] })

function responseObject(r: ResponseDoc): object {
  if (!r.schema) return { description: r.description, type: 'null' }
  const media: Record<string, unknown> = { schema: r.schema }
  if (r.example !== undefined) media.example = r.example
  return { description: r.description, content: { [r.contentType ?? 'application/json']: media } }
}

function paramsWithEnv(own: Schema['params'], url: string, environments: readonly EnvName[]): object {
  const env = { type: 'string', enum: [...environments], description: 'acceptance or production; they share nothing.' }
  const base = (own ?? {}) as { properties?: Record<string, unknown>; required?: string[] }
  const urlParams = [...url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1] as string)
  const properties: Record<string, unknown> = { env, ...Object.fromEntries(urlParams.map((p) => [p, { type: 'string' }])), ...base.properties }
  return { type: 'object', required: [...new Set(['env', ...urlParams, ...(base.required ?? [])])], properties }
}

/** The document's view of one route: its own schema, completed from ROUTE_DOCS and the generic errors. */
export function documentRoute(route: RouteOptions, url: string, environments: readonly EnvName[], rateLimited: boolean): { schema: Schema; url: string } {
  const own = (route.schema ?? {}) as Schema
  const method = (Array.isArray(route.method) ? route.method[0] : route.method) as string
  const key = docKey(method, url)
  const doc: RouteDoc | undefined = ROUTE_DOCS[key]
  const env = ENV_URL.test(url)
  const soap = key.startsWith(`${method.toUpperCase()} /{env}/soap`)
  const schema: Schema = { ...own }
  const documentedUrl = env ? `/{env}${ENV_URL.exec(url)?.[2] ?? ''}` : url
  schema.operationId ??= operationIdOf(method, documentedUrl)
  schema.summary ??= doc?.summary
  schema.description ??= doc?.description
  schema.tags ??= doc?.tags
  if (!schema.consumes && doc?.consumes) schema.consumes = doc.consumes
  // The catalogue's body wins: it is given only where the route schema checks a wrapper and the
  // service the rest (POST /{env}/v1/blinkers checks each item itself), so it is the contract.
  const body = doc?.body ?? own.body
  if (body) schema.body = withExample(body as object, doc?.bodyExample)
  if (env) schema.params = paramsWithEnv(own.params, url, environments)
  if (!env || route.config?.roles === 'public') schema.security = []

  const shape: RouteShape = {
    method,
    env,
    roles: route.config?.roles,
    hasParams: Boolean(own.params),
    hasQuery: Boolean(own.querystring),
    hasBody: takesBody(method),
    soap,
  }
  const responses: Record<string, unknown> = {}
  for (const [status, r] of Object.entries(doc?.responses ?? {})) responses[status] = responseObject(r)
  const ownResponses = (own.response ?? {}) as Record<string, { content?: unknown; description?: string }>
  Object.assign(responses, ownResponses)
  // Error answers: the generic ones, the catalogue's, and those the route declares itself — a
  // route's plain `problem` schema becomes problem+json with examples of the codes its
  // description names (else every registry code of that status).
  const codes = new Set<ErrorCode>([...genericErrors(shape, rateLimited), ...(doc?.errors ?? [])])
  for (const [status, r] of Object.entries(ownResponses)) {
    if (!/^[45]/.test(status) || r.content) continue
    const named = [...(r.description ?? '').matchAll(/GW_ERR_[A-Z_]+/g)].map((m) => m[0]).filter((c): c is ErrorCode => Object.hasOwn(ERRORS, c))
    const forStatus = [...codes, ...named].filter((c) => String(ERRORS[c].status) === status)
    const fallback = (Object.keys(ERRORS) as ErrorCode[]).filter((c) => String(ERRORS[c].status) === status)
    for (const c of forStatus.length > 0 ? forStatus : fallback) codes.add(c)
    delete responses[status]
  }
  for (const [status, r] of Object.entries(errorResponses(codes, soap))) responses[status] ??= r
  schema.response = responses
  return { schema, url: documentedUrl }
}

function packageInfo(): { name: string; version: string; description: string; license: string } {
  return JSON.parse(readFileSync(`${ROOT_DIR}/package.json`, 'utf8')) as { name: string; version: string; description: string; license: string }
}

/**
 * `X/` served beside `X` (same handler) is documented once, as `X`: a path with a trailing slash
 * is an error for OpenAPI linters, and generators would make two methods of one operation.
 */
function isSlashTwin(route: RouteOptions, routes: readonly RouteOptions[]): boolean {
  if (route.url.length < 2 || !route.url.endsWith('/')) return false
  const bare = route.url.slice(0, -1)
  const methods = (r: RouteOptions) => new Set(Array.isArray(r.method) ? r.method : [r.method])
  return routes.some((r) => r.url === bare && [...methods(route)].every((m) => methods(r).has(m)))
}

export async function installOpenApi(app: FastifyInstance, opts: OpenApiOptions): Promise<void> {
  const routes: RouteOptions[] = []
  app.decorate('routeTable', routes)
  app.addHook('onRoute', (route) => void routes.push(route))

  for (const file of SCHEMA_FILES) app.addSchema(JSON.parse(readFileSync(`${SCHEMAS_DIR}/${file}`, 'utf8')) as { $id: string })

  const pkg = packageInfo()
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Blinker gateway',
        version: pkg.version,
        // package.json's licence as declared (UNLICENSED: not open source).
        license: { name: pkg.license },
        description: `${pkg.description}. Contract v1: REST under /{env} (acceptance or production) with Bearer tokens, SOAP 1.1 at /{env}/soap (WSDL: GET /{env}/soap?wsdl), published schemas at /schemas/. Errors are application/problem+json with a stable GW_ERR code.`,
      },
      servers: [{ url: opts.publicBaseUrl ?? '/' }],
      tags: TAGS.map((t) => ({ ...t })),
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token of a party of this environment.' } } },
      security: [{ bearer: [] }],
    },
    // Published schemas are components named after their file: common.schema.json → common,
    // its $defs → common-kbo, common-niss…
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id.replace(/\.schema\.json$/, '') : `def-${i}`),
    },
    transformObject: (documents) => polishDocument('openapiObject' in documents ? documents.openapiObject : documents.swaggerObject),
    transform: ({ url, route }) => {
      const r = route as RouteOptions
      if (isSlashTwin(r, routes)) return { schema: { ...(r.schema as Schema), hide: true }, url }
      return documentRoute(r, url, opts.environments, opts.rateLimited ?? false)
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } })
}
