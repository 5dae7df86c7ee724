/**
 * Lua scripts as ioredis custom commands (EVALSHA, reloaded by ioredis after a Redis restart).
 * Every multi-key change that must not half-happen goes through one of these.
 */
import type { Redis } from 'ioredis'
import { coalesceWrites } from './redis-client.js'

export interface LuaScript {
  /** Command name registered on the connection; unique per script. */
  name: string
  /** null: variable, the caller passes the key count as the first of `keys` (batch scripts). */
  numberOfKeys: number | null
  lua: string
}

type Runner = (...args: (string | number)[]) => Promise<unknown>

/** Runs a script, defining it on this connection the first time. */
export async function runScript<T>(redis: Redis, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<T> {
  const target = redis as unknown as Record<string, Runner | undefined>
  if (typeof target[script.name] !== 'function') redis.defineCommand(script.name, script.numberOfKeys === null ? { lua: script.lua } : { numberOfKeys: script.numberOfKeys, lua: script.lua })
  const run = target[script.name] as Runner
  coalesceWrites(redis)
  return (await run.call(redis, ...keys, ...args)) as T
}
