/**
 * Runs once before the test files (tap `before`). Tests need a real Redis: REDIS_URL, else
 * 127.0.0.1:6379, else a private redis-server started here (its URL goes to .tap/redis-url for
 * tests/helpers/redis.ts, its pid to .tap/redis-pid for redis-down.ts).
 */
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { redisAnswers } from '../../src/store/redis-resolve.js'
import { REDIS_URL_FILE } from '../helpers/redis.js'

const PID_FILE = join(dirname(REDIS_URL_FILE), 'redis-pid')
rmSync(REDIS_URL_FILE, { force: true })

if (!process.env.REDIS_URL && !(await redisAnswers('127.0.0.1', 6379))) {
  const port = await new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
  const dir = mkdtempSync(join(tmpdir(), 'blinker-test-redis-'))
  // Detached: it must outlive this setup process and serve every test file.
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], { detached: true, stdio: 'ignore' })
  child.on('error', (err) => {
    console.error(`tests need Redis: none answers on 127.0.0.1:6379 and redis-server cannot start (${err.message}). Install redis-server or set REDIS_URL.`)
    process.exit(1)
  })
  child.unref()
  for (let i = 0; i < 100 && !(await redisAnswers('127.0.0.1', port, 100)); i++) await new Promise((r) => setTimeout(r, 50))
  mkdirSync(dirname(REDIS_URL_FILE), { recursive: true })
  writeFileSync(REDIS_URL_FILE, `redis://127.0.0.1:${port}\n`)
  writeFileSync(PID_FILE, String(child.pid))
  console.log(`# tests use a private redis-server on port ${port}`)
}
