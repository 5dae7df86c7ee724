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
import { installConformanceGate } from '../onboarding/conformance-gate.js'
import { conformanceRoutes } from './rest/conformance-routes.js'
import { sandboxRoutes } from './rest/sandbox-routes.js'
import { installEnvSecurity } from '../security/env-security.js'
import { statisticsRoutes } from './rest/statistics-routes.js'
import { transitionRoutes } from './rest/transition-routes.js'
import { dashboardRoutes } from './rest/dashboard-routes.js'
import { installDashboardCookie } from '../dashboard/dashboard-auth.js'

export interface EnvRoutesOptions {
  envCtx: EnvContext
  directory: PartyDirectory
}

export async function envRoutes(app: FastifyInstance, opts: EnvRoutesOptions): Promise<void> {
  // Before the auth hook: GET /{env}/dashboard may carry its token in the login cookie (dashboard-auth.ts).
  installDashboardCookie(app, opts.envCtx)
  installAuth(app, opts.envCtx, opts.directory)
  // Route table, audit trail (every state-changing call) and per-party rate limit.
  await installEnvSecurity(app, opts.envCtx)
  // Production refuses parties marked requireConformancePass until acceptance recorded their full pass.
  installConformanceGate(app, opts.envCtx)
  // Blinkers out: publication, the pull mailbox and lifecycle, push subscriptions.
  await app.register(blinkerRoutes)
  await app.register(mailboxRoutes)
  await app.register(subscriptionRoutes)
  // Feedback in: intake and status, the built-in inspection inbox, the inspection's decisions.
  await app.register(feedbackRoutes)
  await app.register(inspectionInboxRoutes)
  await app.register(decisionRoutes)
  // The inspection's view: rates per CPAS (statistics-routes.ts).
  await app.register(statisticsRoutes)
  // Transition period: monthly Excel/CSV lists out, semiannual recap lists in (transition-routes.ts).
  await app.register(transitionRoutes)
  // The inspection dashboard (HTML, SVG charts) and its login form.
  await app.register(dashboardRoutes, { directory: opts.directory })
  await app.register(soapRoutes, { envCtx: opts.envCtx })
  // Operations: dead letters of every queue.
  await app.register(operatorRoutes)
  // Onboarding (acceptance only; absent in production): the sandbox and conformance results.
  await app.register(sandboxRoutes, { envCtx: opts.envCtx, directory: opts.directory })
  await app.register(conformanceRoutes, { envCtx: opts.envCtx })
}
