/**
 * GET /schemas/ and /schemas/{file}: the published JSON Schemas, XSDs, WSDL and code catalogue,
 * read once at start from the whitelisted folders (no path from the request touches the disk).
 */
import { readdirSync, readFileSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import { GatewayError } from '../../errors.js'
import { SCHEMAS_DIR, WSDL_DIR } from '../../paths.js'

const TYPES: Record<string, string> = {
  '.json': 'application/json; charset=utf-8',
  '.xsd': 'application/xml; charset=utf-8',
  '.wsdl': 'application/xml; charset=utf-8',
}

interface Published {
  name: string
  type: string
  body: Buffer
}

function readPublished(): Map<string, Published> {
  const files = new Map<string, Published>()
  for (const dir of [SCHEMAS_DIR, WSDL_DIR]) {
    for (const name of readdirSync(dir).sort()) {
      const ext = name.slice(name.lastIndexOf('.'))
      const type = TYPES[ext]
      if (type) files.set(name, { name, type, body: readFileSync(`${dir}/${name}`) })
    }
  }
  return files
}

export async function schemasRoutes(app: FastifyInstance): Promise<void> {
  const files = readPublished()
  const index = {
    files: [...files.values()].map((f) => ({ name: f.name, href: `/schemas/${f.name}`, type: f.type.split(';')[0] })),
  }
  app.get('/schemas/', async () => index)
  app.get('/schemas', async () => index)
  app.get<{ Params: { file: string } }>('/schemas/:file', async (request, reply) => {
    const file = files.get(request.params.file)
    if (!file) throw new GatewayError('GW_ERR_NOT_FOUND', 'No published file of that name; see GET /schemas/')
    return reply.type(file.type).header('cache-control', 'public, max-age=300').send(file.body)
  })
}
