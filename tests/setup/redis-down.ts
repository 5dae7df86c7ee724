/** Runs once after the test files (tap `after`): stops the private redis-server, if one was started. */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { REDIS_URL_FILE } from '../helpers/redis.js'

const PID_FILE = join(dirname(REDIS_URL_FILE), 'redis-pid')
if (existsSync(PID_FILE)) {
  try {
    process.kill(Number(readFileSync(PID_FILE, 'utf8')), 'SIGTERM')
  } catch {
    // Already gone.
  }
  rmSync(PID_FILE, { force: true })
  rmSync(REDIS_URL_FILE, { force: true })
}
