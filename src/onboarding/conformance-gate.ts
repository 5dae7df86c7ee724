/**
 * Installs the production gate on an environment's route plugin. Registered right after the auth
 * hooks (env-routes.ts), so it sees the authenticated party; public routes and 404s pass through.
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../context.js'
import { requireConformance } from './conformance-service.js'

export function installConformanceGate(app: FastifyInstance, envCtx: EnvContext): void {
  if (envCtx.env !== 'production') return
  app.addHook('onRequest', async (request) => {
    if (request.is404 || request.routeOptions.config.roles === 'public') return
    await requireConformance(envCtx, request.party)
  })
}
