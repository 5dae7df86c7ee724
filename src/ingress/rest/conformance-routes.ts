/**
 * Conformance (acceptance only):
 *   POST /v1/conformance/runs               201 a run the gateway judges: its blinkers, what to do
 *   GET  /v1/conformance/runs/{id}          200 the run judged from the gateway's own records
 *   POST /v1/conformance/results            201 a self-reported run, recorded for information
 *   GET  /v1/conformance/results/latest     200 the latest self-reported run, 404 when none
 *   GET  /v1/operator/conformance           200 every software house's status (operator)
 *   POST /v1/operator/conformance/{partyId}/revoke   200 the pass taken away (operator)
 * Only a run judged PASSED unlocks production for a party marked requireConformancePass
 * (onboarding/conformance-run-service.ts); what the runner reports about itself never does.
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../../context.js'
import type { PartyDirectory } from '../../parties/parties.js'
import type { ConformanceRun } from '../../onboarding/conformance-store.js'
import { latestRun, recordRun } from '../../onboarding/conformance-service.js'
import { conformanceStatus, getRun, revokeConformancePass, startRun, type StartRunRequest } from '../../onboarding/conformance-run-service.js'
import { revokeBody, revokeParams, revokeResult, runIdParams, runView, startRunBody, statusList } from '../../onboarding/conformance-run-schemas.js'

export interface ConformanceRoutesOptions {
  /** The environment; the routes are registered only when it is acceptance (no default). */
  envCtx: EnvContext
  /** To tell operators whether production requires a party's pass (no default). */
  directory: PartyDirectory
}

const problem = { $ref: 'problem.schema.json' } as const
const tags = ['conformance']
const config = { roles: ['software-house'] as const }
const operator = { roles: ['operator'] as const }

export async function conformanceRoutes(app: FastifyInstance, opts: ConformanceRoutesOptions): Promise<void> {
  if (opts.envCtx.env !== 'acceptance') return
  // As in sandbox-routes.ts: response schemas document, JSON.stringify serializes.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.post<{ Body: StartRunRequest | undefined }>(
    '/v1/conformance/runs',
    {
      config,
      // No body at all means the defaults, as `{}` does.
      preValidation: async (request) => {
        request.body ??= {}
      },
      schema: {
        summary: 'Start a conformance run the gateway judges',
        description:
          "Creates the run's blinkers in your sandbox (published like the back office's: mailbox and push) and answers, per scenario, what your software must do: receive and acknowledge, the feedback code to send on each blinker, the refusals to provoke (code not for the flow, comment missing, reused messageId, closed blinker, CPAS not served, invalid message, malformed SOAP). Do it with your own software before `deadline`; GET the run for the gateway's verdict. A new run replaces the one in progress. A CPAS you do not serve: 403 GW_ERR_FORBIDDEN_CPAS.",
        tags,
        body: startRunBody,
        response: { 201: runView, 400: problem, 403: { ...problem, description: 'GW_ERR_FORBIDDEN_CPAS' } },
      },
    },
    async (request, reply) => reply.code(201).send(await startRun(request.envCtx, request.party, request.body ?? {})),
  )

  app.get<{ Params: { id: string } }>(
    '/v1/conformance/runs/:id',
    {
      config,
      schema: {
        summary: 'Your conformance run, judged by the gateway',
        description:
          "Judges the run from the gateway's own records only — the histories of the run's blinkers (received, acknowledged, which code, sandbox decisions) and the requests of yours it refused or took during the run — and answers per scenario PASSED, FAILED or PENDING with the reason, and the verdict: RUNNING, then PASSED (every scenario passed; production opens when it requires a pass), FAILED (something can no longer be undone) or EXPIRED (deadline passed first); a final verdict no longer changes. Another party's run, or an unknown id: 404 GW_ERR_NOT_FOUND.",
        tags,
        params: runIdParams,
        response: { 200: runView, 404: { ...problem, description: 'GW_ERR_NOT_FOUND' } },
      },
    },
    async (request) => getRun(request.envCtx, request.party, request.params.id),
  )

  app.post<{ Body: ConformanceRun }>(
    '/v1/conformance/results',
    {
      config,
      schema: {
        summary: 'Record a self-reported conformance run (information only)',
        description:
          'Stores the run the conformance runner reports about itself, with the time and gateway version; `fullPass` says whether it covers every scenario of the runner, passed. For information only: it never opens production (a judged run does: POST /v1/conformance/runs). `lastFullPassAt` is the latest judged pass.',
        tags,
        body: { $ref: 'conformance-run.schema.json' },
        response: { 201: { $ref: 'conformance-record.schema.json' }, 400: problem, 403: problem },
      },
    },
    async (request, reply) => reply.code(201).send(await recordRun(request.envCtx, request.party, request.body)),
  )

  app.get(
    '/v1/conformance/results/latest',
    {
      config,
      schema: {
        summary: 'Your latest self-reported conformance run',
        description: 'The latest self-reported run of the calling software house, with `lastFullPassAt` (the latest judged pass, null until one).',
        tags,
        response: { 200: { $ref: 'conformance-record.schema.json' }, 404: problem },
      },
    },
    async (request) => latestRun(request.envCtx, request.party),
  )

  app.get(
    '/v1/operator/conformance',
    {
      config: operator,
      schema: {
        summary: "Every software house's conformance status",
        description: "Per software house of acceptance: whether production requires its pass, its latest judged run (judged now if still running), its judged pass (what opens production) and the latest revocation.",
        tags: ['operator'],
        response: { 200: statusList },
      },
    },
    async (request) => ({ parties: await conformanceStatus(request.envCtx, opts.directory) }),
  )

  app.post<{ Params: { partyId: string }; Body: { by: string; reason: string } }>(
    '/v1/operator/conformance/:partyId/revoke',
    {
      config: operator,
      schema: {
        summary: "Revoke a software house's conformance pass",
        description:
          'Deletes the judged pass: production refuses the party again if it requires one (a pass already seen by a gateway process counts there for up to 60 s), and the barometer no longer counts it approved. `by` names the person; the audit trail records the call with them. No such software house, or no pass: 404 GW_ERR_NOT_FOUND.',
        tags: ['operator'],
        params: revokeParams,
        body: revokeBody,
        response: { 200: revokeResult, 404: { ...problem, description: 'GW_ERR_NOT_FOUND' } },
      },
    },
    async (request) => {
      // The person behind an operator token, for the audit trail's `person` (a browser session sets it for inspectors).
      request.person ??= { id: request.body.by, name: request.body.by }
      return revokeConformancePass(request.envCtx, request.params.partyId, request.body.by, request.body.reason)
    },
  )
}
