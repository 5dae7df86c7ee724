/**
 * A browser cannot send a Bearer header by typing a URL. The dashboard therefore has a login form
 * (POST /{env}/dashboard/login with the inspection token) that sets an HttpOnly, SameSite=Strict
 * cookie scoped to /{env}/dashboard; on GET /{env}/dashboard only, a hook that runs BEFORE the
 * auth hook turns that cookie into the Authorization header, so the ordinary deny-by-default
 * check (role inspection) judges it like any API call. The token never appears in a page or a
 * URL; the cookie goes nowhere else (path) and not with cross-site requests (SameSite=Strict).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { EnvContext } from '../context.js'

export const COOKIE = 'bgw_dashboard'
/** Cookie lifetime: a working day. */
export const COOKIE_MAX_AGE_S = 8 * 3600

const TOKEN = /^[\x21-\x7e]{1,512}$/

export const dashboardPath = (env: string): string => `/${env}/dashboard`

/** The cookie's value on a request, if well-formed. */
export function cookieToken(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name !== COOKIE) continue
    try {
      const value = decodeURIComponent(rest.join('='))
      return TOKEN.test(value) ? value : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/** Registered on the /{env} instance before installAuth (env-routes.ts). */
export function installDashboardCookie(app: FastifyInstance, envCtx: Pick<EnvContext, 'env'>): void {
  const path = dashboardPath(envCtx.env)
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization || request.method !== 'GET') return
    const url = request.url.split('?')[0]
    if (url !== path) return
    const token = cookieToken(request)
    if (token) request.headers.authorization = `Bearer ${token}`
  })
}

export function setCookie(reply: FastifyReply, env: string, token: string, secure: boolean): void {
  reply.header('set-cookie', `${COOKIE}=${encodeURIComponent(token)}; Path=${dashboardPath(env)}; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`)
}

export function clearCookie(reply: FastifyReply, env: string): void {
  reply.header('set-cookie', `${COOKIE}=; Path=${dashboardPath(env)}; Max-Age=0; HttpOnly; SameSite=Strict`)
}
