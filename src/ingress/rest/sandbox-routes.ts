/**
 * The acceptance sandbox (README "Onboarding guide for software houses"), software houses only,
 * each on the CPAS it serves:
 *   GET  /v1/sandbox/profile          200 { partyId, cpas, requireConformancePass }
 *   POST /v1/sandbox/blinkers         201 { blinkers }: generated, published like the back office's
 *   POST /v1/sandbox/mailbox/reset    200 { deleted, kept, next }: the CPAS's sandbox blinkers gone
 *   POST /v1/sandbox/decisions        200 the inspection's decision, simulated on sandbox feedback
 * Registered in acceptance only: in production these paths do not exist (404).
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../../context.js'
import type { PartyDirectory } from '../../parties/parties.js'
import { createSandboxBlinkers, resetSandboxMailbox, sandboxDecision, type SandboxCreateRequest } from '../../onboarding/sandbox-service.js'
import type { DecisionRequest } from '../../services/decision-service.js'

export interface SandboxRoutesOptions {
  /** The environment; the routes are registered only when it is acceptance (no default). */
  envCtx: EnvContext
  /** To tell whether the party's production token needs a conformance pass (no default). */
  directory: PartyDirectory
}

const problem = { $ref: 'problem.schema.json' } as const
const tags = ['sandbox']
const config = { roles: ['software-house'] as const }

export async function sandboxRoutes(app: FastifyInstance, opts: SandboxRoutesOptions): Promise<void> {
  if (opts.envCtx.env !== 'acceptance') return
  // Response schemas document the answers (OpenAPI) and point at published files; answers are
  // plain JSON.stringify'd, so fast-json-stringify never has to resolve those files.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.get(
    '/v1/sandbox/profile',
    {
      config,
      schema: {
        summary: 'Who the sandbox sees: party id and CPAS served',
        description: 'The calling software house, the CPAS it may create sandbox blinkers for, and whether production requires a conformance run judged PASSED by the gateway (POST /v1/conformance/runs).',
        tags,
        response: {
          200: {
            type: 'object',
            required: ['partyId', 'cpas', 'requireConformancePass'],
            properties: { partyId: { type: 'string' }, cpas: { type: 'array', items: { type: 'string' } }, requireConformancePass: { type: 'boolean' } },
          },
          401: problem,
        },
      },
    },
    async (request) => {
      const production = opts.directory.environments.get('production')?.parties.get(request.party.id)
      return { partyId: request.party.id, cpas: [...request.party.cpas].sort(), requireConformancePass: production?.requireConformancePass === true }
    },
  )

  app.post<{ Body: SandboxCreateRequest }>(
    '/v1/sandbox/blinkers',
    {
      config,
      schema: {
        summary: 'Create test blinkers for one of your CPAS',
        description:
          'Generates realistic blinkers (valid NISS including births from 2000 and bis numbers, every flow in turn, ids CLI-YYYY-9xxxxxxxx) and publishes them through the publication service: they enter the mailbox and are pushed when subscribed. History `by` is `sandbox:<party>`.',
        tags,
        body: { $ref: 'sandbox-blinkers-request.schema.json' },
        response: { 201: { $ref: 'sandbox-blinkers-result.schema.json' }, 400: problem, 403: problem },
      },
    },
    async (request, reply) => reply.code(201).send({ blinkers: await createSandboxBlinkers(request.envCtx, request.party, request.body) }),
  )

  app.post<{ Body: { cpasKbo: string } }>(
    '/v1/sandbox/mailbox/reset',
    {
      config,
      schema: {
        summary: 'Delete your sandbox blinkers of one CPAS',
        description:
          'Deletes every blinker the sandbox created for the CPAS (record, history, mailbox entry); blinkers the publisher sent and all feedback records are untouched; a blinker whose feedback is still being forwarded is kept. Answers the mailbox cursor at its end: pull with it to see only blinkers created afterwards.',
        tags,
        body: { $ref: 'sandbox-reset-request.schema.json' },
        response: { 200: { $ref: 'sandbox-reset-result.schema.json' }, 400: problem, 403: problem },
      },
    },
    async (request) => resetSandboxMailbox(request.envCtx, request.party, request.body.cpasKbo),
  )

  app.post<{ Body: DecisionRequest }>(
    '/v1/sandbox/decisions',
    {
      config,
      schema: {
        summary: "Simulate the inspection's decision on your sandbox feedback",
        description:
          'The inspection decision service, applied to a feedback message on a sandbox blinker of a CPAS you serve: ACCEPTED closes a cancellation, REFUSED reopens the blinker. Recorded `by: sandbox:<party>`. Feedback on other blinkers: 403 GW_ERR_NOT_SANDBOX.',
        tags,
        body: { $ref: 'decision-request.schema.json' },
        response: { 200: { $ref: 'decision-result.schema.json' }, 400: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request) => sandboxDecision(request.envCtx, request.party, request.body),
  )
}
