/**
 * Server-side browser sessions in Redis. The cookie carries only a random id (256 bits); Redis
 * holds the session under the SHA-256 of that id (a copy of the keyspace gives no usable cookie)
 * with the person, the environment, the CSRF token and the created / last-seen times.
 *
 * A session ends at whichever comes first: `idleMs` without a request (sliding), `absoluteMs`
 * after login, or logout (the hash is deleted, so a copied cookie is dead at once). The checks
 * are made on the stored times, not only on the key's PX, so they hold exactly; PX only makes
 * Redis forget what has ended. A session belongs to one environment: each environment has its
 * own key prefix, and the stored `env` is compared too.
 */
import { hash, randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { keys } from '../store/keys.js'
import { runScript, type LuaScript } from '../store/scripts.js'

export interface SessionLimits {
  /** Sliding idle timeout (SESSION_IDLE_MINUTES, default 30 min). */
  idleMs: number
  /** Absolute lifetime from login (SESSION_MAX_HOURS, default 8 h). */
  absoluteMs: number
}

export interface Session {
  /** The cookie value (never stored as such). */
  id: string
  personId: string
  name: string
  env: string
  /** Synchronizer token every page form posts back as `csrf`. */
  csrf: string
  createdAt: number
  seenAt: number
}

/** 32 random bytes, base64url: what a session id and a CSRF token look like. */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/
const newToken = (): string => randomBytes(32).toString('base64url')
const keyOf = (prefix: string, id: string): string => keys.session(prefix, hash('sha256', id))

/** A new session for the person; the caller sets the cookie (rotation: a login always gets a new id). */
export async function createSession(redis: Redis, prefix: string, env: string, person: { id: string; name: string }, limits: SessionLimits, now = Date.now()): Promise<Session> {
  const session: Session = { id: newToken(), personId: person.id, name: person.name, env, csrf: newToken(), createdAt: now, seenAt: now }
  const key = keyOf(prefix, session.id)
  await redis
    .multi()
    .hset(key, { person: person.id, name: person.name, env, csrf: session.csrf, created: String(now), seen: String(now) })
    .pexpire(key, Math.min(limits.idleMs, limits.absoluteMs))
    .exec()
  return session
}

/**
 * KEYS[1] session; ARGV now, idleMs, absoluteMs, env. The stored fields when the session is alive
 * (and its last-seen time and PX moved forward), else false (and an ended session is deleted).
 * One script, so a logout between the read and the slide cannot leave a half hash behind.
 */
const TOUCH: LuaScript = {
  numberOfKeys: 1,
  lua: `
local h = redis.call('HMGET', KEYS[1], 'person', 'name', 'env', 'csrf', 'created', 'seen')
if not h[1] then return false end
local now, idle, abs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local created, seen = tonumber(h[5]), tonumber(h[6])
if h[3] ~= ARGV[4] or not h[4] or not created or not seen or now - seen > idle or now - created > abs then
  redis.call('DEL', KEYS[1])
  return false
end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.max(1, math.min(idle, created + abs - now)))
return h
`,
}

/** The live session of this cookie id in this environment, or undefined; each call counts as activity. */
export async function touchSession(redis: Redis, prefix: string, env: string, id: string, limits: SessionLimits, now = Date.now()): Promise<Session | undefined> {
  if (!SESSION_ID.test(id)) return undefined
  const h = await runScript<(string | null)[] | null>(redis, TOUCH, [keyOf(prefix, id)], [now, limits.idleMs, limits.absoluteMs, env])
  if (!h) return undefined
  const [personId, name, storedEnv, csrf, created] = h as string[]
  return { id, personId: personId as string, name: name as string, env: storedEnv as string, csrf: csrf as string, createdAt: Number(created), seenAt: now }
}

/** Ends the session (logout); true when there was one. */
export async function deleteSession(redis: Redis, prefix: string, id: string): Promise<boolean> {
  if (!SESSION_ID.test(id)) return false
  return (await redis.del(keyOf(prefix, id))) === 1
}
