/**
 * Conformance results (acceptance only, software houses):
 *   POST /v1/conformance/results          201 the run as recorded (fullPass judged by the gateway)
 *   GET  /v1/conformance/results/latest   200 the latest recorded run, 404 when none
 * The runner (npx blinker-gateway conformance) posts here at the end of a run. A full pass unlocks
 * production for a party marked requireConformancePass (onboarding/conformance-service.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../../context.js'
import type { ConformanceRun } from '../../onboarding/conformance-store.js'
import { latestRun, recordRun } from '../../onboarding/conformance-service.js'

export interface ConformanceRoutesOptions {
  /** The environment; the routes are registered only when it is acceptance (no default). */
  envCtx: EnvContext
}

const problem = { $ref: 'problem.schema.json' } as const
const tags = ['conformance']
const config = { roles: ['software-house'] as const }

export async function conformanceRoutes(app: FastifyInstance, opts: ConformanceRoutesOptions): Promise<void> {
  if (opts.envCtx.env !== 'acceptance') return
  // As in sandbox-routes.ts: response schemas document, JSON.stringify serializes.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.post<{ Body: ConformanceRun }>(
    '/v1/conformance/results',
    {
      config,
      schema: {
        summary: 'Record a conformance run',
        description:
          'Stores the run reported by the conformance runner for the calling software house, with the time and gateway version. `fullPass` is true when every scenario the gateway requires is present and passed; the latest full pass unlocks production for parties marked requireConformancePass.',
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
        summary: 'Your latest recorded conformance run',
        description: 'The latest run recorded for the calling software house, with `lastFullPassAt` (null until a full pass).',
        tags,
        response: { 200: { $ref: 'conformance-record.schema.json' }, 404: problem },
      },
    },
    async (request) => latestRun(request.envCtx, request.party),
  )
}
