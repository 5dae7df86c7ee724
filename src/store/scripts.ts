/**
 * Lua scripts run by EVALSHA, and by EVAL when Redis answers NOSCRIPT (after a restart or a
 * SCRIPT FLUSH: EVAL loads the script again, so the next EVALSHA finds it).
 * Every multi-key change that must not half-happen goes through one of these.
 *
 * The command is built here rather than through ioredis' defineCommand: that path copies the
 * arguments three times and runs `Array.prototype.flat` over them, which cost the feedback step
 * (20-odd arguments, on every request) about half of its client-side time. The arguments are
 * given to the command as the strings Redis receives, so nothing is left for ioredis to convert.
 */
import { hash } from 'node:crypto'
import { Command, type Redis } from 'ioredis'

export interface LuaScript {
  /** null: variable, the caller passes the key count as the first of `keys` (batch scripts). */
  numberOfKeys: number | null
  lua: string
}

const shas = new WeakMap<LuaScript, string>()

function shaOf(script: LuaScript): string {
  let sha = shas.get(script)
  if (sha === undefined) {
    sha = hash('sha1', script.lua)
    shas.set(script, sha)
  }
  return sha
}

const NO_ARGS: string[] = []

function send(redis: Redis, name: 'evalsha' | 'eval', first: string, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  const argv: string[] = script.numberOfKeys === null ? [first] : [first, String(script.numberOfKeys)]
  for (const k of keys) argv.push(k)
  for (const a of args) argv.push(typeof a === 'string' ? a : String(a))
  const command = new Command(name, NO_ARGS, { replyEncoding: 'utf8' })
  command.args = argv
  redis.sendCommand(command)
  return command.promise
}

const isNoScript = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOSCRIPT')

/** Runs a script (EVALSHA; EVAL once when Redis no longer holds it). */
export async function runScript<T>(redis: Redis, script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<T> {
  try {
    return (await send(redis, 'evalsha', shaOf(script), script, keys, args)) as T
  } catch (err) {
    if (!isNoScript(err)) throw err
    return (await send(redis, 'eval', script.lua, script, keys, args)) as T
  }
}
