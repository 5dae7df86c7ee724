/**
 * The /{env} route table as Fastify registered it: method, path (without the environment
 * prefix) and declared roles of every route. Collected by an onRoute hook on the env-scoped
 * instance, so it lists exactly what the router serves; the authorization matrix test is
 * generated from it, so a route added later is covered without anyone editing the test's loops.
 */
import type { FastifyInstance } from 'fastify'
import type { EnvContext, RouteRoles } from '../context.js'

export interface RouteEntry {
  method: string
  /** Path under /{env}, with Fastify's `:param` placeholders, e.g. `/v1/blinkers/:blinkerId`. */
  path: string
  roles: RouteRoles | undefined
}

const tables = new WeakMap<EnvContext, RouteEntry[]>()

/** The routes registered so far under this environment (HEAD twins of GET routes included). */
export const envRouteTable = (envCtx: EnvContext): readonly RouteEntry[] => tables.get(envCtx) ?? []

export function installRouteTable(app: FastifyInstance, envCtx: EnvContext): void {
  const table: RouteEntry[] = []
  tables.set(envCtx, table)
  const prefix = `/${envCtx.env}`
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    const path = route.url.startsWith(prefix) ? route.url.slice(prefix.length) : route.url
    for (const method of methods) table.push({ method, path, roles: route.config?.roles })
  })
}
