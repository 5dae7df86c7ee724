/**
 * The security stages of one /{env} subtree that are not identification: the route table (for
 * the authorization matrix), the audit trail and the rate limit. env-routes.ts calls this once,
 * right after the auth hooks and before any route, so every route gets all three.
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../context.js'
import { installAuditTrail } from './audit-trail.js'
import { installRateLimit } from './rate-limit.js'
import { installRouteTable } from './route-table.js'

export async function installEnvSecurity(app: FastifyInstance, envCtx: EnvContext): Promise<void> {
  installRouteTable(app, envCtx)
  installAuditTrail(app, envCtx)
  await installRateLimit(app, envCtx)
}
