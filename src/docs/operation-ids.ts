/**
 * The `operationId` of every operation in the OpenAPI document, which client generators turn into
 * method names. Given centrally, so a route added by anyone gets one without writing it: a route's
 * own `schema.operationId` wins, then a name of NAMED below (the integrators' core operations,
 * named like their SOAP twins, and the odd derived name that would collide), else one derived from
 * the method and the documented path. A derived name only changes when the path does; the OpenAPI
 * test checks every operation has one and that they are unique.
 */

/**
 * Names given by hand, keyed like ROUTE_DOCS (`METHOD /path`, `/{env}` for the environment,
 * `:param`). Keep a name once published: generated clients call it.
 */
export const NAMED: Readonly<Record<string, string>> = {
  'GET /schemas': 'listSchemaFiles',
  'GET /schemas/:file': 'getSchemaFile',
  'POST /validate': 'validateMessage',
  'GET /health/live': 'getLiveness',
  'GET /health/ready': 'getReadiness',
  'POST /{env}/v1/blinkers': 'publishBlinkers',
  'GET /{env}/v1/blinkers': 'searchBlinkers',
  'GET /{env}/v1/blinkers/:blinkerId': 'getBlinker',
  'POST /{env}/v1/blinkers/:blinkerId/acknowledgements': 'acknowledgeBlinker',
  'POST /{env}/v1/blinkers/:blinkerId/resolve': 'resolveBlinker',
  'GET /{env}/v1/cpas/:kbo/blinkers': 'getBlinkers',
  'PUT /{env}/v1/subscriptions/self': 'putSubscription',
  'GET /{env}/v1/subscriptions/self': 'getSubscription',
  'DELETE /{env}/v1/subscriptions/self': 'deleteSubscription',
  'POST /{env}/v1/feedback': 'submitFeedback',
  'GET /{env}/v1/feedback/:messageId': 'getFeedbackStatus',
  'POST /{env}/v1/decisions': 'recordDecision',
  'GET /{env}/soap': 'getWsdl',
  'POST /{env}/soap': 'callSoap',
  'GET /{env}/v1/operator/dead-letters': 'listDeadLetters',
  'GET /{env}/v1/operator/dead-letters/:queue/:jobId': 'getDeadLetter',
  'POST /{env}/v1/operator/dead-letters/replay': 'replayDeadLetters',
  // Derived, it would be getBarometer like GET /{env}/v1/barometer (a redirect to the page).
  'GET /{env}/barometer': 'getBarometerShortcut',
}

/** Path segments that every operation of a family shares and that would only lengthen names. */
const NOISE = new Set(['{env}', 'v1'])

const VERB: Readonly<Record<string, string>> = { GET: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete', HEAD: 'head', OPTIONS: 'options' }

const capitalize = (word: string): string => (word ? word[0]?.toUpperCase() + word.slice(1) : '')

/** follow-ups, pending.csv, dead_letters → FollowUps, PendingCsv, DeadLetters. */
const pascal = (segment: string): string =>
  segment
    .split(/[^A-Za-z0-9]+/)
    .map(capitalize)
    .join('')

/**
 * camelCase from the method and the documented path (`/{env}/…`, params as `{name}` or `:name`):
 * GET /{env}/v1/cpas/{kbo}/follow-ups/{id} → getCpasByKboFollowUpsById,
 * GET /{env}/dashboard/pending.csv → getDashboardPendingCsv, GET /metrics → getMetrics.
 */
export function deriveOperationId(method: string, path: string): string {
  const verb = VERB[method.toUpperCase()] ?? method.toLowerCase()
  const parts = path
    .split('/')
    .filter((s) => s !== '' && !NOISE.has(s))
    .map((s) => {
      const param = /^(?:\{([^}]+)\}|:(.+))$/.exec(s)
      return param ? `By${pascal(param[1] ?? param[2] ?? '')}` : pascal(s)
    })
  return verb + parts.join('')
}

/**
 * The name of one operation: NAMED's, else derived. `path` is the documented one (`/{env}/…`,
 * params as `:param`, as the ROUTE_DOCS keys).
 */
export function operationIdOf(method: string, path: string): string {
  return NAMED[`${method.toUpperCase()} ${path}`] ?? deriveOperationId(method, path)
}

/** Operation ids that occur more than once in a document, with where (`METHOD path`). */
export function duplicateOperationIds(paths: Record<string, Record<string, { operationId?: string }>>): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!op.operationId) continue
      seen.set(op.operationId, [...(seen.get(op.operationId) ?? []), `${method.toUpperCase()} ${path}`])
    }
  }
  return new Map([...seen].filter(([, where]) => where.length > 1))
}
