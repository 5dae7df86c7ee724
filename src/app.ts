/**
 * The gateway as a Fastify app: parsers, error rendering, public routes, then one /{env} subtree
 * per served environment. Process files and tests both build it here.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Redis } from 'ioredis'
import type { Config, EnvName } from './config.js'
import type { EnvContext } from './context.js'
import { installContentTypes } from './ingress/content-types.js'
import { envRoutes } from './ingress/env-routes.js'
import { installHealth } from './ingress/public/health-routes.js'
import { schemasRoutes } from './ingress/public/schemas-routes.js'
import { validateRoute } from './ingress/public/validate-route.js'
import { notFoundHandler, problemErrorHandler } from './ingress/rest/problem-handler.js'
import { collectRouteMethods } from './ingress/route-methods.js'
import { pageAwareNotFound } from './pages/send.js'
import { installMetrics } from './observability/metrics.js'
import { lazyChildLogger } from './observability/lazy-child-logger.js'
import { installRequestLog } from './observability/request-log.js'
import { installOpenApi } from './docs/openapi.js'
import type { PartyDirectory } from './parties/parties.js'
import { frameworkErrorHandler } from './security/framework-errors.js'
import { isSafeRequestId } from './security/niss-scrub.js'
import { clientErrorHandler, installHostCheck } from './security/http-refusals.js'
import { serverTimeoutOptions } from './security/http-timeouts.js'
import type { HttpsOptions } from './security/tls-options.js'
import { ajv } from './validation/json-schemas.js'

export interface AppDeps {
  config: Config
  redis: Redis
  directory: PartyDirectory
  contexts: ReadonlyMap<EnvName, EnvContext>
  /** TLS of the listener (src/security/tls-options.ts); default undefined = plain HTTP. */
  https?: HttpsOptions | undefined
}

/** A pino instance (the process's logger) or Fastify's logger option (false in tests). */
export type AppLogger = FastifyBaseLogger | FastifyServerOptions['logger']

const isLoggerInstance = (l: AppLogger): l is FastifyBaseLogger => typeof l === 'object' && l !== null && typeof (l as { info?: unknown }).info === 'function'

export async function buildApp(deps: AppDeps, logger: AppLogger = false): Promise<FastifyInstance> {
  const app = Fastify({
    // Fastify 5 takes an existing pino instance only as `loggerInstance`.
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: deps.config.BODY_LIMIT,
    // A client's id is logged and audited: kept only when it cannot carry a NISS (niss-scrub.ts).
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && isSafeRequestId(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    // One line per request instead of Fastify's two: observability/request-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyChildLogger,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
    // Bad percent-encoding and over-long path parameters: problem+json, not Fastify's own JSON.
    frameworkErrors: frameworkErrorHandler,
    // Malformed HTTP (parser refusals) and slow clients: problem+json on the raw socket.
    clientErrorHandler,
    // Header, request, keep-alive and idle deadlines of the Node server (http-timeouts.ts); with
    // TLS they travel in the https options. Fastify types an HTTPS instance apart from an HTTP
    // one; routes and hooks are the same.
    ...(serverTimeoutOptions(deps.config, deps.https) as object),
  })
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema))
  app.setErrorHandler(problemErrorHandler)
  // Before any route: every route registered is recorded, so a known path answers 405, not 404.
  const routeMethods = collectRouteMethods(app)
  // …and a browser asking for a page path that does not exist gets an HTML page in its language (pages/send.ts).
  app.setNotFoundHandler(pageAwareNotFound(notFoundHandler(routeMethods), routeMethods))
  installHostCheck(app)
  installContentTypes(app)
  installRequestLog(app)
  // Before any route: its onRoute hook is what documents them (GET /docs).
  await installOpenApi(app, { environments: deps.config.environments, publicBaseUrl: deps.config.PUBLIC_BASE_URL, rateLimited: deps.config.RATE_LIMIT_MAX > 0 })
  installMetrics(app, { redis: deps.redis, contexts: [...deps.contexts.values()] })

  await installHealth(app, { redis: deps.redis, contexts: [...deps.contexts.values()], maxEventLoopDelay: deps.config.MAX_EVENT_LOOP_DELAY_MS })
  await app.register(schemasRoutes)
  await app.register(validateRoute)
  for (const [env, envCtx] of deps.contexts) {
    await app.register(envRoutes, { prefix: `/${env}`, envCtx, directory: deps.directory })
  }
  return app
}
