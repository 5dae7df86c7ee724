/**
 * The session cookie `bgw_session`: only a random id (never a token or a password), HttpOnly (no
 * script reads it), SameSite=Strict (no cross-site request carries it), Secure on HTTPS, and
 * Path=/{env} (it reaches the pages, their exports and the lists of that environment only).
 */
import type { FastifyReply, FastifyRequest } from 'fastify'

export const SESSION_COOKIE = 'bgw_session'

/** A cookie's value from the Cookie header (undefined when absent or not decodable). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue
    try {
      return decodeURIComponent(part.slice(eq + 1).trim())
    } catch {
      return undefined
    }
  }
  return undefined
}

/** Whether the browser reached us over HTTPS (directly, or as PUBLIC_BASE_URL says). */
export const isHttps = (request: FastifyRequest): boolean => request.protocol === 'https' || Boolean(request.envCtx.config.PUBLIC_BASE_URL?.startsWith('https:'))

/** Appends a Set-Cookie header (a reply may set several: the session and the OIDC state). */
export function appendCookie(reply: FastifyReply, cookie: string): void {
  const existing = reply.getHeader('set-cookie')
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)]
  reply.header('set-cookie', [...list, cookie])
}

export function setSessionCookie(reply: FastifyReply, request: FastifyRequest, id: string, maxAgeS: number): void {
  appendCookie(reply, `${SESSION_COOKIE}=${id}; Path=/${request.envCtx.env}; Max-Age=${maxAgeS}; HttpOnly; SameSite=Strict${isHttps(request) ? '; Secure' : ''}`)
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest): void {
  appendCookie(reply, `${SESSION_COOKIE}=; Path=/${request.envCtx.env}; Max-Age=0; HttpOnly; SameSite=Strict${isHttps(request) ? '; Secure' : ''}`)
}
