/**
 * The gateway as a Fastify app: parsers, error rendering, public routes, then one /{env} subtree
 * per served environment. Process files and tests both build it here.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Redis } from 'ioredis'
import type { Config, EnvName } from './config.js'
import type { EnvContext } from './context.js'
import { installContentTypes } from './ingress/content-types.js'
import { envRoutes } from './ingress/env-routes.js'
import { installHealth } from './ingress/public/health-routes.js'
import { schemasRoutes } from './ingress/public/schemas-routes.js'
import { validateRoute } from './ingress/public/validate-route.js'
import { notFoundHandler, problemErrorHandler } from './ingress/rest/problem-handler.js'
import { installMetrics } from './observability/metrics.js'
import type { PartyDirectory } from './parties/parties.js'
import { ajv } from './validation/json-schemas.js'

export interface AppDeps {
  config: Config
  redis: Redis
  directory: PartyDirectory
  contexts: ReadonlyMap<EnvName, EnvContext>
}

/** A pino instance (the process's logger) or Fastify's logger option (false in tests). */
export type AppLogger = FastifyBaseLogger | FastifyServerOptions['logger']

const isLoggerInstance = (l: AppLogger): l is FastifyBaseLogger => typeof l === 'object' && l !== null && typeof (l as { info?: unknown }).info === 'function'

export async function buildApp(deps: AppDeps, logger: AppLogger = false): Promise<FastifyInstance> {
  const app = Fastify({
    // Fastify 5 takes an existing pino instance only as `loggerInstance`.
    ...(isLoggerInstance(logger) ? { loggerInstance: logger } : { logger }),
    bodyLimit: deps.config.BODY_LIMIT,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID()
    },
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  })
  app.setValidatorCompiler(({ schema }) => ajv.compile(schema))
  app.setErrorHandler(problemErrorHandler)
  app.setNotFoundHandler(notFoundHandler)
  installContentTypes(app)
  installMetrics(app, { redis: deps.redis, contexts: [...deps.contexts.values()] })

  await installHealth(app, { redis: deps.redis, contexts: [...deps.contexts.values()] })
  await app.register(schemasRoutes)
  await app.register(validateRoute)
  for (const [env, envCtx] of deps.contexts) {
    await app.register(envRoutes, { prefix: `/${env}`, envCtx, directory: deps.directory })
  }
  return app
}
