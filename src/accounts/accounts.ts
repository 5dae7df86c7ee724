/**
 * What one environment's pages need to know about people: its inspectors, the session limits, the
 * login throttle and, when configured, the OIDC client. Built once per environment when its routes
 * are registered; a wrong INSPECTORS_FILE or OIDC setting stops the start there.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import type { EnvContext } from '../context.js'
import type { PartyDirectory } from '../parties/parties.js'
import { loadInspectors, type EnvInspectors, type Inspector, type InspectorDirectory } from './inspectors.js'
import { loginThrottle, type LoginThrottle } from './login-throttle.js'
import { oidcClient, type OidcClient } from './oidc-client.js'
import { clearSessionCookie, readCookie, SESSION_COOKIE, setSessionCookie } from './session-cookie.js'
import { createSession, deleteSession, type SessionLimits } from './session-store.js'

export interface Accounts {
  envCtx: EnvContext
  inspectors: EnvInspectors
  demo: boolean
  limits: SessionLimits
  throttle: LoginThrottle
  /** Present when OIDC_ISSUER is set. */
  oidc: OidcClient | undefined
}

// One read of INSPECTORS_FILE per directory (a process serves both environments from one file).
const loaded = new WeakMap<PartyDirectory, InspectorDirectory>()

export function sessionLimits(envCtx: Pick<EnvContext, 'config'>): SessionLimits {
  return { idleMs: envCtx.config.SESSION_IDLE_MINUTES * 60_000, absoluteMs: envCtx.config.SESSION_MAX_HOURS * 3_600_000 }
}

/**
 * Reads and checks INSPECTORS_FILE (or the demo inspectors) and the OIDC settings; called by
 * createGateway before Redis is reached, so a wrong file or setting stops the start at once.
 */
export function loadAccounts(config: Config, directory: PartyDirectory): InspectorDirectory {
  let all = loaded.get(directory)
  if (!all) {
    all = loadInspectors(config.INSPECTORS_FILE, directory, config.environments)
    oidcClient(config)
    loaded.set(directory, all)
  }
  return all
}

export function accountsFor(envCtx: EnvContext, directory: PartyDirectory): Accounts {
  const all = loadAccounts(envCtx.config, directory)
  const inspectors = all.environments.get(envCtx.env) ?? { env: envCtx.env, byId: new Map(), bySubject: new Map() }
  return { envCtx, inspectors, demo: all.demo, limits: sessionLimits(envCtx), throttle: loginThrottle(envCtx.redis, envCtx.keys, envCtx.config), oidc: oidcClient(envCtx.config) }
}

/**
 * Logs the person in: any session the browser still carries is ended first (a login always
 * gets a fresh id, so an id planted before login is worth nothing), then a new one is set.
 */
export async function startSession(accounts: Accounts, request: FastifyRequest, reply: FastifyReply, inspector: Inspector): Promise<void> {
  const { redis, keys, env } = accounts.envCtx
  const old = readCookie(request.headers.cookie, SESSION_COOKIE)
  if (old) await deleteSession(redis, keys, old)
  const session = await createSession(redis, keys, env, { id: inspector.id, name: inspector.name }, accounts.limits)
  setSessionCookie(reply, request, session.id, Math.floor(accounts.limits.absoluteMs / 1000))
}

/** Logs out: the session is deleted in Redis (a copy of the cookie is dead too) and the cookie cleared. */
export async function endSession(accounts: Accounts, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = readCookie(request.headers.cookie, SESSION_COOKIE)
  if (id) await deleteSession(accounts.envCtx.redis, accounts.envCtx.keys, id)
  clearSessionCookie(reply, request)
}
