/**
 * Follow-ups of CPAS (contract section 9), all for the inspection:
 *   POST  /v1/cpas/{kbo}/follow-ups          { reason, period }            201 the follow-up (OPEN)
 *   PATCH /v1/cpas/{kbo}/follow-ups/{id}     { visits?, actions?, status? } 200 the follow-up
 *   GET   /v1/cpas/{kbo}/follow-ups/{id}                                    200 the follow-up
 *   GET   /v1/cpas/{kbo}/follow-ups                                         200 { items }
 *   GET   /v1/follow-ups?status=&limit=&after=                              200 { items, next? }
 * Who made a change (`by` in history, `openedBy`) is actor(request): the person logged in on the
 * pages, else the calling party. The env audit hook records every POST/PATCH (audit-trail.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { actor } from '../accounts/actor.js'
import { getFollowUp, listCpasFollowUps, openFollowUp, pageFollowUps, patchFollowUp, type OpenRequest, type PatchRequest, type Who } from './follow-up-service.js'
import { cpasParams, followUpList, followUpPage, followUpParams, followUpSchema, listQuery, openBody, patchBody } from './follow-up-schemas.js'
import type { FollowUpStatus } from './model.js'

/** Who changes a follow-up: the person logged in (id and name, history shows the name), else actor(request). */
export const whoOf = (request: FastifyRequest): Who => (request.person ? { id: request.person.id, name: request.person.name } : actor(request))

const problem = { description: 'Problem document (application/problem+json)', $ref: 'problem.schema.json' }
const tags = ['follow-up']

export async function followUpRoutes(app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.post<{ Params: { kbo: string }; Body: OpenRequest }>(
    '/v1/cpas/:kbo/follow-ups',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Open a follow-up of a CPAS',
        description:
          'The inspection opens a follow-up (on-site analysis and improvement plan, seed section 6) for a CPAS, usually one above 10 % in `period`. The CPAS must be known: in the parties file or the CPAS directory, or with files or blinkers in the statistics of `period` (else 404 GW_ERR_NOT_FOUND). Answers the follow-up, OPEN, with its trajectory.',
        tags,
        params: cpasParams,
        body: openBody,
        response: { 201: { description: 'The follow-up', ...followUpSchema }, 400: problem, 404: problem },
      },
    },
    async (request, reply) => reply.code(201).send(await openFollowUp(request.envCtx, request.params.kbo, request.body, whoOf(request))),
  )

  app.patch<{ Params: { kbo: string; id: string }; Body: PatchRequest }>(
    '/v1/cpas/:kbo/follow-ups/:id',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Record visits, plan actions, move the status',
        description:
          'Adds visits (date, inspector, finding codes, notes), adds actions (no id) or updates them (id: text, owner, dueDate, done), and/or moves the status one step forward (OPEN → PLAN_AGREED → MONITORING → CLOSED; the same status again changes nothing). Another move, or any change to a CLOSED follow-up, is 409 GW_ERR_ILLEGAL_TRANSITION; PLAN_AGREED without any action is 422 GW_ERR_BUSINESS_RULE; an unknown action id is 400. All of a request or none of it; concurrent changes are all kept (compare-and-set). Each change is in `history` with at and by.',
        tags,
        params: followUpParams,
        body: patchBody,
        response: { 200: { description: 'The follow-up after the change', ...followUpSchema }, 400: problem, 404: problem, 409: problem, 422: problem },
      },
    },
    async (request) => patchFollowUp(request.envCtx, request.params.kbo, request.params.id, request.body, whoOf(request)),
  )

  app.get<{ Params: { kbo: string; id: string } }>(
    '/v1/cpas/:kbo/follow-ups/:id',
    {
      config: { roles: ['inspection'] },
      schema: { summary: 'One follow-up', description: 'With its visits, actions, history, trajectory and target flag.', tags, params: followUpParams, response: { 200: { description: 'The follow-up', ...followUpSchema }, 400: problem, 404: problem } },
    },
    async (request) => getFollowUp(request.envCtx, request.params.kbo, request.params.id),
  )

  app.get<{ Params: { kbo: string } }>(
    '/v1/cpas/:kbo/follow-ups',
    {
      config: { roles: ['inspection'] },
      schema: { summary: 'The follow-ups of a CPAS', description: 'Oldest opened first, each with its trajectory and target flag. A CPAS without any answers an empty list.', tags, params: cpasParams, response: { 200: { description: 'The follow-ups', ...followUpList }, 400: problem } },
    },
    async (request) => ({ items: await listCpasFollowUps(request.envCtx, request.params.kbo) }),
  )

  app.get<{ Querystring: { status?: FollowUpStatus; limit?: string; after?: string } }>(
    '/v1/follow-ups',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Every follow-up, or those in one status',
        description:
          'Oldest opened first, each with `trajectory` (the CPAS rate per period since the follow-up period, both regimes, from the statistics counters) and `targetMet` (latest rate under 5 %). Without `limit` and `after`: every follow-up. With `limit` (1–500): a page, and `next` while more remain (pass it as `after`); a page costs O(limit) whatever the number of follow-ups. 400 GW_ERR_BAD_PARAMETER: an unknown parameter or status, a limit out of 1–500, a cursor this list did not give out.',
        tags,
        querystring: listQuery,
        response: { 200: { description: 'The follow-ups (or a page of them)', ...followUpPage }, 400: problem },
      },
    },
    async (request) => pageFollowUps(request.envCtx, request.query.status ?? 'ALL', request.query.limit === undefined ? undefined : Number(request.query.limit), request.query.after),
  )
}
