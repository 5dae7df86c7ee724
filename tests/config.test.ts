import { readFileSync } from 'node:fs'
import t from 'tap'
import { ConfigSchema, loadConfig } from '../src/config.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

t.test('defaults give a working start: both environments, port 3000, inline workers', async (t) => {
  const c = loadConfig({})
  t.same(c.environments, ['acceptance', 'production'])
  t.equal(c.PORT, 3000)
  t.equal(c.BODY_LIMIT, 1024 * 1024)
  t.equal(c.WORKERS, 'inline')
  t.equal(c.REDIS_URL, undefined)
  t.ok(Object.isFrozen(c), 'config is frozen')
})

t.test('values are converted and checked', async (t) => {
  const c = loadConfig({ PORT: '8080', ENVIRONMENTS: 'production', BODY_LIMIT: '2048', REDIS_URL: 'redis://10.0.0.1:6380' })
  t.equal(c.PORT, 8080)
  t.same(c.environments, ['production'])
  t.equal(c.BODY_LIMIT, 2048)
  t.equal(loadConfig({ ENVIRONMENTS: 'acceptance,acceptance' }).environments.length, 1, 'duplicates folded')
})

t.test('a wrong value stops the start with a message naming the variable', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ PORT: '70000' }, /PORT/],
    [{ ENVIRONMENTS: 'staging' }, /ENVIRONMENTS="staging"/],
    [{ REDIS_URL: 'localhost:6379' }, /REDIS_URL/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ BODY_LIMIT: '10' }, /BODY_LIMIT/],
    [{ INSPECTION_URL: 'ftp://x' }, /INSPECTION_URL/],
    [{ KEY_PREFIX: 'a b' }, /KEY_PREFIX/],
    [{ WORKERS: 'maybe' }, /WORKERS/],
  ]
  for (const [env, re] of cases) t.throws(() => loadConfig(env), { name: 'ConfigError', message: re }, JSON.stringify(env))
})

t.test('every variable is in the README configuration table with its default', async (t) => {
  for (const [name, schema] of Object.entries(ConfigSchema.properties) as [string, { default?: unknown }][]) {
    const def = schema.default === undefined ? '\\(unset\\)' : `\`${String(schema.default)}\``
    t.match(readme, new RegExp(`^\\| \`${name}\` \\| ${def} \\|`, 'm'), name)
  }
  const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \| /gm)].map((m) => m[1]).filter((n) => n && !n.startsWith('GW_ERR_'))
  for (const name of documented) t.ok(name && name in ConfigSchema.properties, `README documents ${name}, which the schema knows`)
})

t.test('.env.example lists every variable', async (t) => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
  for (const name of Object.keys(ConfigSchema.properties)) t.match(example, new RegExp(`^# ${name}=`, 'm'), name)
})
