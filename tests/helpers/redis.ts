/**
 * The Redis tests use: REDIS_URL if set, else the one the test run started (tests/setup/redis-up.ts
 * writes its URL to .tap/redis-url when nothing answered on 127.0.0.1:6379), else 127.0.0.1:6379.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const REDIS_URL_FILE = resolve(import.meta.dirname, '../../.tap/redis-url')

export function testRedisUrl(): string {
  if (process.env.REDIS_URL) return process.env.REDIS_URL
  if (existsSync(REDIS_URL_FILE)) return readFileSync(REDIS_URL_FILE, 'utf8').trim()
  return 'redis://127.0.0.1:6379'
}
