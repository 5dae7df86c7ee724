/**
 * runScript against a real Redis: keys and arguments arrive as sent (numbers as their decimal
 * text), a script Redis no longer holds is run by EVAL and loaded again, script errors and a
 * closed connection reject.
 */
import { createHash, randomBytes } from 'node:crypto'
import t from 'tap'
import { commandConnection, waitReady } from '../../src/store/redis-client.js'
import { runScript, type LuaScript } from '../../src/store/scripts.js'
import { deleteKeys } from '../helpers/gateway.js'
import { testRedisUrl } from '../helpers/redis.js'

// A fresh script text per run, so that SCRIPT EXISTS below speaks of this run's script only.
const tag = randomBytes(6).toString('hex')
const fixed: LuaScript = { numberOfKeys: 2, lua: `-- ${tag}\nredis.call('SET', KEYS[1], ARGV[1]) return {KEYS[1], KEYS[2], unpack(ARGV)}` }
const variable: LuaScript = { numberOfKeys: null, lua: `-- ${tag}\nreturn {#KEYS, #ARGV, KEYS[#KEYS], ARGV[#ARGV]}` }
const failing: LuaScript = { numberOfKeys: 0, lua: `-- ${tag}\nreturn redis.error_reply('GW_TEST refused: ' .. ARGV[1])` }
const sha = (s: LuaScript) => createHash('sha1').update(s.lua).digest('hex')

t.test('runScript: EVALSHA with keys and arguments as sent, EVAL again once Redis lost the script', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`
  t.teardown(() => deleteKeys(prefix))
  const redis = commandConnection(testRedisUrl())
  t.teardown(() => redis.quit())
  await waitReady(redis)
  const key = `${prefix}:a`

  t.same(await runScript(redis, fixed, [key, `${prefix}:b`], ['é 😀 "q"', 42, 0, '']), [key, `${prefix}:b`, 'é 😀 "q"', '42', '0', ''], 'numbers travel as decimal text, strings byte for byte')
  t.equal(await redis.get(key), 'é 😀 "q"')
  t.same(await runScript(redis, variable, ['3', 'k1', 'k2', 'k3'], ['x', 'y']), [3, 2, 'k3', 'y'], 'a batch script takes its key count first')
  t.same(await redis.script('EXISTS', sha(fixed), sha(variable)), [1, 1], 'both are in the script cache')

  // What a Redis restart does to the cache (other test files running now recover the same way).
  await redis.script('FLUSH')
  t.same(await redis.script('EXISTS', sha(fixed)), [0])
  t.same(await runScript(redis, fixed, [key, `${prefix}:b`], ['after flush']), [key, `${prefix}:b`, 'after flush'], 'NOSCRIPT: the call is run by EVAL')
  t.equal(await redis.get(key), 'after flush', 'and ran exactly once')
  t.same(await redis.script('EXISTS', sha(fixed)), [1], 'EVAL loaded it again for the next EVALSHA')

  await t.rejects(runScript(redis, failing, [], ['no']), /GW_TEST refused: no/, 'an error the script returns rejects the call')
  await redis.script('FLUSH')
  await t.rejects(runScript(redis, failing, [], ['again']), /GW_TEST refused: again/, 'also when it comes from the EVAL retry')
})

t.test('runScript on a closed connection rejects at once', async (t) => {
  const redis = commandConnection(testRedisUrl())
  await waitReady(redis)
  redis.disconnect()
  await t.rejects(runScript(redis, variable, ['0'], []), /Connection is closed|Stream isn't writeable/)
})
