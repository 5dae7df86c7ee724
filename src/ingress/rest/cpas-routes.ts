/**
 * The CPAS directory (src/cpas/):
 *   PUT /v1/cpas   publisher              204: names { cpas: [{ kbo, nameFr?, nameNl? }] } (1–1000), merged
 *   GET /v1/cpas   inspection, publisher  200 { items: [{ kbo, nameFr?, nameNl?, partiesName?, servedBy?, updatedAt? }] }
 */
import type { FastifyInstance } from 'fastify'
import { cpasDirectory, putCpasDirectory, type CpasDirectoryRequest } from '../../cpas/cpas-directory.js'

const problem = { description: 'Problem document (application/problem+json)', $ref: 'problem.schema.json' }

const entry = {
  type: 'object',
  required: ['kbo'],
  properties: {
    kbo: { type: 'string' },
    nameFr: { type: 'string' },
    nameNl: { type: 'string' },
    partiesName: { type: 'string', description: 'The name the parties file gives.' },
    servedBy: { type: 'string', description: 'Software house serving it; absent: the CPAS works on Excel lists.' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
}

export async function cpasRoutes(app: FastifyInstance): Promise<void> {
  app.setSerializerCompiler(() => (data) => JSON.stringify(data))

  app.put<{ Body: CpasDirectoryRequest }>(
    '/v1/cpas',
    {
      config: { roles: ['publisher'] },
      schema: {
        summary: 'Set CPAS names in French and Dutch (the CPAS directory)',
        description:
          'The back office gives the names of 1–1000 CPAS per call. Merge: each CPAS given replaces its own entry (a name left out is removed from it), CPAS not given keep theirs. KBO checksum validated; names trimmed, at most 200 characters, no control characters, at least one of nameFr/nameNl; the same KBO twice in one body is 400 GW_ERR_VALIDATION. The pages show the Dutch name in Dutch, the French one in French and English, the other when one is missing, then the parties file name, then the number.',
        tags: ['inspection'],
        body: { $ref: 'cpas-directory-request.schema.json' },
        response: { 204: { description: 'Stored', type: 'null' }, 400: problem },
      },
    },
    async (request, reply) => {
      await putCpasDirectory(request.envCtx, request.body)
      return reply.code(204).send()
    },
  )

  app.get(
    '/v1/cpas',
    {
      config: { roles: ['inspection', 'publisher'] },
      schema: {
        summary: 'The CPAS directory',
        description: 'Every CPAS of the environment (the directory and the parties file), ordered by number, with its names, the parties file name and the software house serving it (none: Excel lists). A few hundred entries: one answer, no paging.',
        tags: ['inspection'],
        response: { 200: { description: 'The directory', type: 'object', required: ['items'], properties: { items: { type: 'array', items: entry } } } },
      },
    },
    async (request) => ({ items: await cpasDirectory(request.envCtx) }),
  )
}
