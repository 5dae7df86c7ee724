/**
 * Everything under /{env}: the auth hooks, then the stages in data-flow order. Registered once per
 * environment the deployment serves; a path of another environment finds no route (404).
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext } from '../context.js'
import type { PartyDirectory } from '../parties/parties.js'
import { installAuth } from './rest/auth.js'
import { blinkerRoutes } from './rest/blinker-routes.js'
import { decisionRoutes } from './rest/decision-routes.js'
import { feedbackRoutes } from './rest/feedback-routes.js'
import { inspectionInboxRoutes } from './rest/inspection-inbox-routes.js'
import { mailboxRoutes } from './rest/mailbox-routes.js'
import { operatorRoutes } from './rest/operator-routes.js'
import { subscriptionRoutes } from './rest/subscription-routes.js'
// Plugs SOAP GetBlinkers / AcknowledgeBlinker into the operation registry (side effect, once).
import './soap/blinker-operations.js'
// Plugs SOAP SubmitFeedback / GetFeedbackStatus in the same way.
import './soap/feedback-operations.js'
import { soapRoutes } from './soap/soap-routes.js'

export interface EnvRoutesOptions {
  envCtx: EnvContext
  directory: PartyDirectory
}

export async function envRoutes(app: FastifyInstance, opts: EnvRoutesOptions): Promise<void> {
  installAuth(app, opts.envCtx, opts.directory)
  // Blinkers out: publication, the pull mailbox and lifecycle, push subscriptions.
  await app.register(blinkerRoutes)
  await app.register(mailboxRoutes)
  await app.register(subscriptionRoutes)
  // Feedback in: intake and status, the built-in inspection inbox, the inspection's decisions.
  await app.register(feedbackRoutes)
  await app.register(inspectionInboxRoutes)
  await app.register(decisionRoutes)
  await app.register(soapRoutes, { envCtx: opts.envCtx })
  // Operations: dead letters of every queue.
  await app.register(operatorRoutes)
}
