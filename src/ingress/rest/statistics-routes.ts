/**
 * Statistics (contract section 8):
 *   PUT /v1/statistics/files  publisher   204: the denominators { period, counts: [{ cpasKbo, regime, files }] }
 *   GET /v1/statistics?period=YYYY&regime=DIS|LAW_1965   inspection   200 the report
 * Answers are serialized with JSON.stringify (the response schema documents them, it does not
 * filter them).
 */
import type { FastifyInstance } from 'fastify'
import { PERIOD_PATTERN, putFilesCounts, statisticsFor, type FilesRequest } from '../../statistics/statistics-service.js'
import type { RegimeFilter } from '../../statistics/compute.js'
import { parseTimelinessCpas, TIMELINESS_CPAS_PARAM } from '../../timeliness/timeliness-query.js'

const problem = { description: 'Problem document (application/problem+json)', $ref: 'problem.schema.json' }

const statisticsQuery = {
  type: 'object',
  required: ['period'],
  properties: {
    period: { type: 'string', pattern: PERIOD_PATTERN, description: 'Calendar year YYYY: blinkers whose form period starts in it, and the files PUT for it.' },
    regime: { enum: ['DIS', 'LAW_1965'], description: 'One regime; absent: both together (files and beneficiaries of both regimes added per CPAS).' },
    timelinessCpas: TIMELINESS_CPAS_PARAM,
  },
  additionalProperties: false,
} as const

export async function statisticsRoutes(app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.put<{ Body: FilesRequest }>(
    '/v1/statistics/files',
    {
      config: { roles: ['publisher'] },
      schema: {
        summary: 'Set the files per CPAS and regime (rate denominators)',
        description:
          'The back office gives, for a calendar year, the number of files per CPAS and regime. A CPAS and regime given again replaces its value; the same pair twice in one body is 400 GW_ERR_VALIDATION. Any valid KBO is accepted (CPAS on Excel lists are not in the parties file).',
        tags: ['statistics'],
        body: { $ref: 'statistics-files-request.schema.json' },
        response: { 204: { description: 'Stored', type: 'null' }, 400: problem },
      },
    },
    async (request, reply) => {
      await putFilesCounts(request.envCtx, request.body)
      return reply.code(204).send()
    },
  )

  app.get<{ Querystring: { period: string; regime?: RegimeFilter; timelinessCpas?: string } }>(
    '/v1/statistics',
    {
      config: { roles: ['inspection'] },
      schema: {
        summary: 'Blinker rates per CPAS and their distribution',
        description:
          'For a period and regime: per CPAS files, filesWithBlinker (distinct beneficiaries), rate and blinkersPer100Files; over the CPAS the quartiles (nearest rank), the shares under 5/7/10 %, the CPAS without a blinker, above 10 % and between 5 % and 10 %; justified/unjustified feedback per flow and per code; the inspection\'s decisions: per flow the accepted and refused cancellations (UNJUSTIFIED codes) with their shares of the decided ones, per code the accepted and refused decisions (counted when decided, in the period of the blinker); open blinkers by age; timeliness: median and p90 (ms, exact to the fixed bucket holding them) of detection → publication, publication → delivery, delivery → first feedback, feedback → decision, unjustified feedback → closed and code 2 → form D, over all CPAS, per flow and per software house, with the previous period and the trend (per CPAS with timelinessCpas).',
        tags: ['statistics'],
        querystring: statisticsQuery,
        response: { 200: { description: 'The report', $ref: 'statistics-report.schema.json' }, 400: problem },
      },
    },
    async (request) => statisticsFor(request.envCtx, request.query.period, request.query.regime ?? 'ALL', undefined, { cpas: parseTimelinessCpas(request.query.timelinessCpas) }),
  )
}
