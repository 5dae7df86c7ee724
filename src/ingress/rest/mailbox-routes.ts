/**
 * GET /v1/cpas/{kbo}/blinkers?after={cursor}&limit={1..500} (software house, own CPAS only): the
 * pull mailbox. Query values are validated by the service (ajv does not coerce types here), which
 * SOAP GetBlinkers shares, so both give the same pages and the same errors.
 */
import type { FastifyInstance } from 'fastify'
import { pullMailboxJson } from '../../services/mailbox-service.js'

const kboParams = {
  type: 'object',
  required: ['kbo'],
  properties: { kbo: { $ref: 'common.schema.json#/$defs/kbo' } },
} as const

const pageQuery = {
  type: 'object',
  properties: { after: { type: 'string' }, limit: { type: 'string' } },
} as const

export async function mailboxRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { kbo: string }; Querystring: { after?: string; limit?: string } }>(
    '/v1/cpas/:kbo/blinkers',
    { config: { roles: ['software-house'] }, schema: { params: kboParams, querystring: pageQuery } },
    async (request, reply) => {
      const json = await pullMailboxJson(request.envCtx, request.party, request.params.kbo, request.query.after, request.query.limit)
      return reply.type('application/json; charset=utf-8').send(json)
    },
  )
}
