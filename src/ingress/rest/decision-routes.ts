/**
 * The inspection's decisions (contract section 5):
 *   POST /v1/decisions { messageId, decision: ACCEPTED | REFUSED, reason? }   inspection   200
 * answers the feedback's new state and the blinker's status (schemas/decision-result.schema.json);
 * what each decision does is described in services/decision-service.ts. History and audit record
 * who decided: the person of a browser session, else the party (actor(), src/accounts/actor.ts).
 */
import type { FastifyInstance } from 'fastify'
import { actor } from '../../accounts/actor.js'
import { decide, type DecisionRequest } from '../../services/decision-service.js'

export async function decisionRoutes(app: FastifyInstance): Promise<void> {
  app.post<{ Body: DecisionRequest }>(
    '/v1/decisions',
    { config: { roles: ['inspection'] }, schema: { body: { $ref: 'decision-request.schema.json' } } },
    async (request) => decide(request.envCtx, actor(request), request.body),
  )
}
