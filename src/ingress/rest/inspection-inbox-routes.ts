/**
 * The built-in inspection inbox (used when INSPECTION_URL is unset):
 *   GET /v1/inspection/inbox?after={cursor}&limit={1..500}   inspection
 *   200 { items: [{ cursor, messageId, feedback, blinker, receivedAt, softwareHouse }], next }
 * Items come in forwarding order; each is exactly what the back office would have received
 * (schemas/forward-request.schema.json) plus its cursor. `next` is the cursor to continue from (the
 * last item's, or the given `after` when the page is empty), so a poller never misses an item.
 * Reading does not consume: decisions are made with POST /v1/decisions.
 */
import type { FastifyInstance } from 'fastify'
import { readInbox } from '../../store/inspection-inbox-store.js'
import { cursorAfter } from '../../store/stream-id.js'

const query = {
  type: 'object',
  properties: {
    // The shape only; the range Redis accepts is checked by cursorAfter (src/store/stream-id.ts).
    after: { type: 'string', pattern: '^[0-9]{1,20}-[0-9]{1,20}$' },
    limit: { type: 'string', pattern: '^(500|[1-4][0-9]{2}|[1-9][0-9]?)$' },
  },
  additionalProperties: false,
} as const

export async function inspectionInboxRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { after?: string; limit?: string } }>(
    '/v1/inspection/inbox',
    { config: { roles: ['inspection'] }, schema: { querystring: query } },
    async (request) => {
      const limit = request.query.limit ? Number(request.query.limit) : 100
      const after = request.query.after === undefined ? undefined : cursorAfter(request.query.after, 'querystring:/after')
      const entries = await readInbox(request.envCtx.redis, request.envCtx.keys, after, limit)
      const items = entries.map((e) => ({ cursor: e.id, messageId: e.messageId, ...(e.body as object) }))
      return { items, next: entries.at(-1)?.id ?? after ?? null }
    },
  )
}
