/**
 * A mainstream generator accepts the live document: openapi-typescript turns GET /docs/json into
 * TypeScript types in a temp folder, and a small client written against them (by operationId, as
 * integrators do) type-checks with the project's TypeScript. The client also holds wrong uses under
 * `@ts-expect-error`, so types that degrade to `any` or lose a field fail the check too; and the
 * documentation's own examples are assigned to the generated types.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { EXAMPLE_BLINKER, EXAMPLES } from '../../src/docs/examples.js'
import { startGateway } from '../helpers/gateway.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

const client = (blinker: unknown, feedback: unknown) => `import type { components, operations } from './schema.js'

type Json<O extends keyof operations, S extends keyof operations[O]['responses']> = operations[O]['responses'][S] extends { content: { 'application/json': infer B } } ? B : never
type Body<O extends keyof operations> = operations[O] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never
type Env = operations['publishBlinkers']['parameters']['path']['env']

export class BlinkerClient {
  constructor(private readonly base: string, private readonly token: string, private readonly env: Env) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.base + '/' + this.env + path, {
      method,
      headers: { authorization: 'Bearer ' + this.token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? null : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(String(res.status))
    return (res.status === 204 ? undefined : await res.json()) as T
  }

  publishBlinkers(body: Body<'publishBlinkers'>): Promise<Json<'publishBlinkers', 202>> {
    return this.call('POST', '/v1/blinkers', body)
  }

  getBlinkers(kbo: operations['getBlinkers']['parameters']['path']['kbo'], after?: string): Promise<Json<'getBlinkers', 200>> {
    return this.call('GET', '/v1/cpas/' + kbo + '/blinkers' + (after ? '?after=' + encodeURIComponent(after) : ''))
  }

  acknowledgeBlinker(blinkerId: string): Promise<void> {
    return this.call('POST', '/v1/blinkers/' + blinkerId + '/acknowledgements')
  }

  submitFeedback(body: Body<'submitFeedback'>): Promise<Json<'submitFeedback', 202>> {
    return this.call('POST', '/v1/feedback', body)
  }

  getFeedbackStatus(messageId: string): Promise<Json<'getFeedbackStatus', 200>> {
    return this.call('GET', '/v1/feedback/' + messageId)
  }
}

export async function lifecycle(c: BlinkerClient): Promise<string> {
  const blinker: components['schemas']['blinker'] = ${JSON.stringify(blinker)}
  const published = await c.publishBlinkers({ blinkers: [blinker] })
  const accepted: number = published.accepted
  const page = await c.getBlinkers(blinker.cpasKbo)
  const next: string = page.next
  for (const b of page.blinkers) await c.acknowledgeBlinker(b.blinkerId)
  const feedback: components['schemas']['feedback'] = ${JSON.stringify(feedback)}
  await c.submitFeedback(feedback)
  const status = await c.getFeedbackStatus(feedback.messageId)
  return status.status + ' ' + String(accepted) + ' ' + next
}

export function wrongUses(c: BlinkerClient, b: components['schemas']['blinker']): void {
  // @ts-expect-error the regime is DIS or RIS, nothing else
  const regime: components['schemas']['blinker']['regime'] = 'XYZ'
  // @ts-expect-error a blinker batch holds blinkers, not strings
  void c.publishBlinkers({ blinkers: ['nope'] })
  // @ts-expect-error the publish result has no such field
  void c.publishBlinkers({ blinkers: [b] }).then((r) => r.nonExistent)
  // @ts-expect-error a feedback code is a number
  const code: components['schemas']['feedback']['code'] = 'abc'
  // @ts-expect-error only the served environments
  new BlinkerClient('', '', 'staging')
  void regime
  void code
}
`

t.test('openapi-typescript generates types from /docs/json; a client type-checks against them', async (t) => {
  const gw = await startGateway(t)
  await gw.app.listen({ port: 0, host: '127.0.0.1' })
  const address = gw.app.server.address()
  const res = await fetch(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/docs/json`)
  t.equal(res.status, 200)

  const dir = mkdtempSync(join(tmpdir(), 'bgw-openapi-ts-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'openapi.json'), await res.text())
  const generate = spawnSync(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '-o', join(dir, 'schema.ts')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  })
  t.equal(generate.status, 0, `openapi-typescript: ${generate.stderr}`)
  const schema = readFileSync(join(dir, 'schema.ts'), 'utf8')
  for (const op of ['publishBlinkers', 'getBlinkers', 'acknowledgeBlinker', 'submitFeedback', 'getFeedbackStatus']) t.match(schema, new RegExp(`^\\s+${op}: \\{$`, 'm'), `operations.${op} generated`)

  writeFileSync(join(dir, 'client.ts'), client(EXAMPLE_BLINKER, EXAMPLES.feedback.value))
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: [], skipLibCheck: false, noUncheckedIndexedAccess: true }, files: ['client.ts'] }),
  )
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  t.equal(`${tsc.stdout}${tsc.stderr}`, '', 'tsc reports nothing')
  t.equal(tsc.status, 0, 'the client type-checks')

  // The check is not vacuous: a client that misuses a generated type fails it.
  writeFileSync(join(dir, 'client.ts'), `${client(EXAMPLE_BLINKER, EXAMPLES.feedback.value)}\nexport const broken: components['schemas']['blinker']['cpasKbo'] = 42\n`)
  const bad = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
  t.match(bad.stdout, /client\.ts.*error TS2322/, 'a number for a KBO is refused')
})
