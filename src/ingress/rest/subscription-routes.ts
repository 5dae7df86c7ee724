/**
 * PUT / GET / DELETE /v1/subscriptions/self (software house): the push webhook of the calling
 * party. PUT answers 200 with { url, updatedAt } (never the secret); DELETE 204, also when there
 * was none; GET 404 GW_ERR_NOT_FOUND when the party only pulls.
 */
import type { FastifyInstance } from 'fastify'
import { readSubscription, subscribe, unsubscribe, type SubscriptionRequest } from '../../services/subscription-service.js'

export async function subscriptionRoutes(app: FastifyInstance): Promise<void> {
  const config = { roles: ['software-house'] as const }
  app.put<{ Body: SubscriptionRequest }>('/v1/subscriptions/self', { config, schema: { body: { $ref: 'subscription-request.schema.json' } } }, async (request) =>
    subscribe(request.envCtx, request.party, request.body),
  )
  app.get('/v1/subscriptions/self', { config }, async (request) => readSubscription(request.envCtx, request.party))
  app.delete('/v1/subscriptions/self', { config }, async (request, reply) => {
    await unsubscribe(request.envCtx, request.party)
    return reply.code(204).send()
  })
}
