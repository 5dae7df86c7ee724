/**
 * Publisher and lifecycle routes of contract section 5:
 *   POST /v1/blinkers                          publisher        202 { accepted, duplicates, rejected }
 *   GET  /v1/blinkers/{blinkerId}              software-house (own CPAS), inspection   200 blinker + history
 *   POST /v1/blinkers/{blinkerId}/acknowledgements  software-house  204
 *   POST /v1/blinkers/{blinkerId}/resolve      publisher        200 blinker + history
 * Route schemas check only the wrapper and path parameters (400 before any Redis access); each
 * blinker of a batch is judged by the publish service so one bad item does not refuse the others.
 */
import type { FastifyInstance } from 'fastify'
import { acknowledgeBlinker, readBlinker, resolveBlinker, type ResolveReason } from '../../services/blinker-service.js'
import { MAX_BATCH, publishBlinkers } from '../../services/publish-service.js'

const blinkerIdParams = {
  type: 'object',
  required: ['blinkerId'],
  properties: { blinkerId: { $ref: 'common.schema.json#/$defs/blinkerId' } },
} as const

// The wrapper only: items are validated one by one (blinker.schema.json) by the service.
const publishBody = {
  type: 'object',
  required: ['blinkers'],
  properties: { blinkers: { type: 'array', minItems: 1, maxItems: MAX_BATCH } },
  additionalProperties: false,
} as const

export async function blinkerRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: { blinkers: unknown[] } }>('/v1/blinkers', { config: { roles: ['publisher'] }, schema: { body: publishBody } }, async (request, reply) => {
    const result = await publishBlinkers(request.envCtx, request.party, request.body.blinkers, request.log)
    return reply.code(202).send(result)
  })

  app.get<{ Params: { blinkerId: string } }>('/v1/blinkers/:blinkerId', { config: { roles: ['software-house', 'inspection'] }, schema: { params: blinkerIdParams } }, async (request) =>
    readBlinker(request.envCtx, request.party, request.params.blinkerId),
  )

  app.post<{ Params: { blinkerId: string } }>(
    '/v1/blinkers/:blinkerId/acknowledgements',
    { config: { roles: ['software-house'] }, schema: { params: blinkerIdParams } },
    async (request, reply) => {
      await acknowledgeBlinker(request.envCtx, request.party, request.params.blinkerId)
      return reply.code(204).send()
    },
  )

  app.post<{ Params: { blinkerId: string }; Body: { reason: ResolveReason } }>(
    '/v1/blinkers/:blinkerId/resolve',
    { config: { roles: ['publisher'] }, schema: { params: blinkerIdParams, body: { $ref: 'resolve-request.schema.json' } } },
    async (request) => resolveBlinker(request.envCtx, request.party, request.params.blinkerId, request.body.reason),
  )
}
