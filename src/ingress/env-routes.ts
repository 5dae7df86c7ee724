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
import { searchRoutes } from './rest/search-routes.js'
import { operatorRoutes } from './rest/operator-routes.js'
import { subscriptionRoutes } from './rest/subscription-routes.js'
// Plugs SOAP GetBlinkers / AcknowledgeBlinker into the operation registry (side effect, once).
import './soap/blinker-operations.js'
// Plugs SOAP SubmitFeedback / GetFeedbackStatus in the same way.
import './soap/feedback-operations.js'
import { soapRoutes } from './soap/soap-routes.js'
import { installConformanceGate } from '../onboarding/conformance-gate.js'
import { installConformanceRunLog } from '../onboarding/conformance-run-log.js'
import { conformanceRoutes } from './rest/conformance-routes.js'
import { sandboxRoutes } from './rest/sandbox-routes.js'
import { installEnvSecurity } from '../security/env-security.js'
import { statisticsRoutes } from './rest/statistics-routes.js'
import { transitionRoutes } from './rest/transition-routes.js'
import { dashboardRoutes } from './rest/dashboard-routes.js'
import { cpasRoutes } from './rest/cpas-routes.js'
import { cpasPageRoutes } from './rest/cpas-page-routes.js'
import { inspectionPageRoutes } from './rest/inspection-page-routes.js'
import { accountsFor } from '../accounts/accounts.js'
import { loginRoutes } from '../accounts/login-routes.js'
import { oidcRoutes } from '../accounts/oidc-routes.js'
import { installSessionHook } from '../accounts/session-hook.js'
import { followUpRoutes } from '../follow-up/follow-up-routes.js'
import { followUpPageRoutes } from '../follow-up/follow-up-pages.js'
import { barometerRoutes } from '../barometer/barometer-routes.js'
import { barometerPageRoutes } from '../barometer/barometer-pages.js'

export interface EnvRoutesOptions {
  envCtx: EnvContext
  directory: PartyDirectory
}

export async function envRoutes(app: FastifyInstance, opts: EnvRoutesOptions): Promise<void> {
  // Before the auth hook: a browser session names the person and lets page reads (and page forms
  // with the session's CSRF token) through as their inspection party (src/accounts/).
  const accounts = accountsFor(opts.envCtx, opts.directory)
  installSessionHook(app, accounts)
  installAuth(app, opts.envCtx, opts.directory)
  // Route table, audit trail (every state-changing call) and per-party rate limit.
  await installEnvSecurity(app, opts.envCtx)
  // Production refuses parties marked requireConformancePass until acceptance recorded their full pass.
  installConformanceGate(app, opts.envCtx)
  // Acceptance logs a software house's refused and state-changing requests while its judged conformance run is in progress.
  installConformanceRunLog(app, opts.envCtx)
  // Blinkers out: publication, the pull mailbox and lifecycle, push subscriptions.
  await app.register(blinkerRoutes)
  await app.register(mailboxRoutes)
  await app.register(subscriptionRoutes)
  // Feedback in: intake and status, the built-in inspection inbox, the inspection's decisions.
  await app.register(feedbackRoutes)
  await app.register(inspectionInboxRoutes)
  await app.register(decisionRoutes)
  // The message log / work queue and the blinker search (contract section 9), off the write-time index.
  await app.register(searchRoutes)
  // The inspection's view: rates per CPAS (statistics-routes.ts).
  await app.register(statisticsRoutes)
  // The CPAS directory: names in French and Dutch (src/cpas/).
  await app.register(cpasRoutes)
  // Follow-ups of CPAS: visits, improvement plans, trajectories toward 5 % (src/follow-up/), API and pages.
  await app.register(followUpRoutes)
  await app.register(followUpPageRoutes)
  // The quality barometer of the software houses and Excel-list CPAS (src/barometer/): API, report, page.
  await app.register(barometerRoutes, { directory: opts.directory })
  await app.register(barometerPageRoutes, { directory: opts.directory })
  // Transition period: monthly Excel/CSV lists out, semiannual recap lists in (transition-routes.ts).
  await app.register(transitionRoutes)
  // The inspection dashboard (HTML, SVG charts) and its login form.
  await app.register(dashboardRoutes, { directory: opts.directory })
  // The inspection's workspace: pending decisions (decide from the page), CPAS directory and pages, exports (src/inspection/).
  await app.register(inspectionPageRoutes)
  await app.register(cpasPageRoutes)
  // Named inspectors: login by name and password or through the identity provider, logout (src/accounts/).
  await app.register(loginRoutes, { accounts })
  await app.register(oidcRoutes, { accounts })
  await app.register(soapRoutes, { envCtx: opts.envCtx })
  // Operations: dead letters of every queue.
  await app.register(operatorRoutes)
  // Onboarding (acceptance only; absent in production): the sandbox and conformance results.
  await app.register(sandboxRoutes, { envCtx: opts.envCtx, directory: opts.directory })
  await app.register(conformanceRoutes, { envCtx: opts.envCtx, directory: opts.directory })
}
