/**
 * Feedback intake and status (contract section 5):
 *   POST /v1/feedback               software-house   202 Receipt, or for `{ feedback: [...] }` (1–1000)
 *                                                      202 { receipts, rejected: [{ index, errors }] }
 *   GET  /v1/feedback/{messageId}   software-house (CPAS it serves), inspection
 *                                                      200 { messageId, blinkerId, code, status, history }
 * The single body is judged by the service (feedback.schema.json, precompiled), not by a route
 * schema: the route cannot know before reading it whether the body is one message or a batch, and a
 * batch item must be refused alone. A batch whose wrapper is wrong (not an array of 1–1000) is 400.
 */
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { feedbackStatus, MAX_FEEDBACK_BATCH, submitFeedback, submitFeedbackBatch } from '../../services/feedback-service.js'

const isBatch = (body: unknown): body is { feedback: unknown } => typeof body === 'object' && body !== null && !Array.isArray(body) && 'feedback' in body

function batchItems(body: { feedback: unknown }): unknown[] {
  const extra = Object.keys(body).filter((k) => k !== 'feedback')
  const items = body.feedback
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_FEEDBACK_BATCH || extra.length > 0) {
    throw new GatewayError('GW_ERR_VALIDATION', `A batch is { "feedback": [Feedback, …] } with 1 to ${MAX_FEEDBACK_BATCH} items`, [
      ...(extra.map((k) => ({ path: `/${k}`, message: 'is not allowed' }))),
      ...(!Array.isArray(items) || items.length < 1 || items.length > MAX_FEEDBACK_BATCH ? [{ path: '/feedback', message: `must be an array of 1 to ${MAX_FEEDBACK_BATCH} items` }] : []),
    ])
  }
  return items
}

const messageIdParams = {
  type: 'object',
  required: ['messageId'],
  properties: { messageId: { $ref: 'common.schema.json#/$defs/messageId' } },
} as const

export async function feedbackRoutes(app: FastifyInstance): Promise<void> {
  app.post('/v1/feedback', { config: { roles: ['software-house'] } }, async (request, reply) => {
    const body = request.body
    if (isBatch(body)) return reply.code(202).send(await submitFeedbackBatch(request.envCtx, request.party, batchItems(body), request.log))
    return reply.code(202).send(await submitFeedback(request.envCtx, request.party, body, request.log))
  })

  app.get<{ Params: { messageId: string } }>(
    '/v1/feedback/:messageId',
    { config: { roles: ['software-house', 'inspection'] }, schema: { params: messageIdParams } },
    async (request) => feedbackStatus(request.envCtx, request.party, request.params.messageId),
  )
}
