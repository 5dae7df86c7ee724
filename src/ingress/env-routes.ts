/**
 * Everything under /{env}: the auth hooks, then the stages in data-flow order. Registered once per
 * environment the deployment serves; a path of another environment finds no route (404).
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../context.js'
import type { PartyDirectory } from '../parties/parties.js'
import { installAuth } from './rest/auth.js'
import { soapRoutes } from './soap/soap-routes.js'

export interface EnvRoutesOptions {
  envCtx: EnvContext
  directory: PartyDirectory
}

export async function envRoutes(app: FastifyInstance, opts: EnvRoutesOptions): Promise<void> {
  installAuth(app, opts.envCtx, opts.directory)
  await app.register(soapRoutes, { envCtx: opts.envCtx })
}
