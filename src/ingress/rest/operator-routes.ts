/**
 * Dead letters for the people running the gateway (role `operator`), generic over the queue:
 *   GET  /v1/operator/dead-letters?queue=&party=&since=&until=&limit=   200 { deadLetters }
 *   GET  /v1/operator/dead-letters/{queue}/{jobId}                       200 one dead letter
 *   POST /v1/operator/dead-letters/replay  { queue?, party?, since?, until?, jobIds?, limit?, dryRun? }
 *        200 { dryRun, replayed: [{ queue, jobId }], skipped }
 * The CLI (`blinker-gateway dead-letters …`) calls the same service functions.
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { inspectDeadLetter, listAllDeadLetters, replayAll, type DeadLetterQuery } from '../../services/dead-letter-service.js'

const roles = ['operator'] as const

interface ListQuery {
  queue?: string
  party?: string
  since?: string
  until?: string
  limit?: string
}

interface ReplayBody {
  queue?: string
  party?: string
  since?: string
  until?: string
  jobIds?: string[]
  limit?: number
  dryRun?: boolean
}

const listQuery = {
  type: 'object',
  properties: {
    queue: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,80}$' },
    party: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' },
    since: { $ref: 'common.schema.json#/$defs/instant' },
    until: { $ref: 'common.schema.json#/$defs/instant' },
    limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' },
  },
} as const

function toQuery(q: { queue?: string | undefined; party?: string | undefined; since?: string | undefined; until?: string | undefined; jobIds?: string[] | undefined }, limit: number | undefined): DeadLetterQuery {
  const query: DeadLetterQuery = {}
  if (q.queue) query.queue = q.queue
  if (q.party) query.party = q.party
  if (q.since) query.since = new Date(q.since)
  if (q.until) query.until = new Date(q.until)
  if (q.jobIds) query.ids = q.jobIds
  if (limit !== undefined) query.limit = limit
  if (query.since && query.until && query.since >= query.until) {
    throw new GatewayError('GW_ERR_BAD_PARAMETER', 'since must be before until', [{ path: 'since', message: 'must be before until' }])
  }
  return query
}

export async function operatorRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListQuery }>('/v1/operator/dead-letters', { config: { roles }, schema: { querystring: listQuery } }, async (request) => {
    const q = request.query
    return { deadLetters: await listAllDeadLetters(request.envCtx, toQuery(q, q.limit ? Number(q.limit) : undefined)) }
  })

  app.get<{ Params: { queue: string; jobId: string } }>('/v1/operator/dead-letters/:queue/:jobId', { config: { roles } }, async (request) =>
    inspectDeadLetter(request.envCtx, request.params.queue, request.params.jobId),
  )

  app.post<{ Body: ReplayBody }>('/v1/operator/dead-letters/replay', { config: { roles }, schema: { body: { $ref: 'dead-letter-replay-request.schema.json' } } }, async (request) => {
    const b = request.body
    return replayAll(request.envCtx, toQuery(b, b.limit), b.dryRun ?? false)
  })
}
