/**
 * The run log: what a software house's software sent during its judged conformance run that no
 * other record keeps — refusals above all (a 422 on a code not valid for the flow, a 409 on a
 * closed blinker, a 400 on a malformed envelope change no blinker and store no message), and the
 * feedback it re-sent (an idempotent re-send leaves the record as it was). Blinker histories and
 * feedback records say the rest; the judge (conformance-judge.ts) reads both.
 *
 * Written at write time, off the answer's path: an onResponse hook of the acceptance subtree
 * queues a compact entry for every refused or state-changing request of an authenticated software
 * house; every LOG_GATHER_MS the queue is written with one MGET of the parties' "run in progress"
 * keys and one MULTI appending to the runs that exist. A party without a run in progress costs
 * the MGET share and nothing else; production has no hook at all. An entry's time is the answer's,
 * so a run judged in the same process first drains this queue (drain()); another process's entries
 * land within LOG_GATHER_MS and a RUNNING run is simply judged again.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { toGatewayError } from '../ingress/error-mapping.js'
import { keys } from '../store/keys.js'

/** One request as the run log keeps it (short names: a run holds up to CONFORMANCE_LOG_MAX of them). */
export interface RunLogEntry {
  /** Time of the answer, ms since the epoch. */
  t: number
  /** HTTP method. */
  m: string
  /** Route without the environment, e.g. `/v1/feedback`, `/soap`. */
  r: string
  /** HTTP status. */
  s: number
  /** GW_ERR code of a refusal. */
  e?: string
  /** SOAP operation (from SOAPAction). */
  o?: string
  /** blinkerId, messageId (lower case) and feedback code the request carried, when well-formed. */
  b?: string
  i?: string
  k?: number
}

/** Newest entries kept per run: a scripted flood cannot grow a run's log without bound. */
export const CONFORMANCE_LOG_MAX = 2000
/** How long run records and logs are kept (seconds): 30 days. */
export const RUN_RETENTION_S = 30 * 24 * 3600
const LOG_GATHER_MS = 10

const BLINKER_ID = /^CLI-[0-9]{4}-[0-9]{9}$/
const MESSAGE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const CODE = Symbol('conformanceErrorCode')
type Marked = FastifyRequest & { [CODE]?: string }

// Compiled once: the hook runs on every refused or state-changing software-house request.
const FIELD_RE = new Map(['blinkerId', 'messageId', 'code'].map((name) => [name, new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}>\\s*([^<]{1,64}?)\\s*</`)]))
const xmlField = (xml: string, name: 'blinkerId' | 'messageId' | 'code'): string | undefined => FIELD_RE.get(name)?.exec(xml)?.[1]

/** blinkerId / messageId / code of a single-message body (JSON object, or a SOAP envelope's text). */
function carried(body: unknown): Pick<RunLogEntry, 'b' | 'i' | 'k'> {
  let b: unknown, i: unknown, k: unknown
  if (typeof body === 'string') {
    if (body.length > 65_536) return {}
    b = xmlField(body, 'blinkerId')
    i = xmlField(body, 'messageId')
    k = xmlField(body, 'code')
  } else if (typeof body === 'object' && body !== null) {
    ;({ blinkerId: b, messageId: i, code: k } = body as Record<string, unknown>)
  }
  const out: Pick<RunLogEntry, 'b' | 'i' | 'k'> = {}
  if (typeof b === 'string' && BLINKER_ID.test(b)) out.b = b
  if (typeof i === 'string' && MESSAGE_ID.test(i)) out.i = i.toLowerCase()
  const code = typeof k === 'string' && /^[0-9]{1,4}$/.test(k) ? Number(k) : k
  if (typeof code === 'number' && Number.isInteger(code)) out.k = code
  return out
}

export function logEntryFor(request: FastifyRequest, status: number, env: string): RunLogEntry | undefined {
  const url = request.routeOptions.url
  if (!url || !request.party || request.party.role !== 'software-house') return undefined
  const route = url.slice(`/${env}`.length)
  // The run's own calls and the sandbox's are not what is judged (histories record the sandbox's effects).
  if (route.startsWith('/v1/conformance') || (request.method === 'GET' && status < 400)) return undefined
  const entry: RunLogEntry = { t: Date.now(), m: request.method, r: route, s: status }
  const code = (request as Marked)[CODE]
  if (code) entry.e = code
  if (route === '/soap') {
    const action = /#(\w+)"?\s*$/.exec(String(request.headers.soapaction ?? ''))?.[1]
    if (action) entry.o = action
  }
  return { ...entry, ...carried(request.body) }
}

/** Queues entries per party and appends them to the parties' runs in progress, in batches. */
export class RunLogWriter {
  private pending: { party: string; entry: RunLogEntry }[] = []
  private running: Promise<void> | undefined

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  append(party: string, entry: RunLogEntry): void {
    this.pending.push({ party, entry })
    this.running ??= new Promise<void>((resolve) => setTimeout(resolve, LOG_GATHER_MS)).then(() => this.run())
  }

  /** Resolves once every entry queued so far is written (or logged as lost). */
  async drain(): Promise<void> {
    while (this.running) await this.running
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, 500)
      try {
        await this.write(batch)
      } catch (err) {
        // The requests were answered; a lost entry can only leave a scenario PENDING, never pass one.
        this.log.warn({ err, lost: batch.length }, 'conformance run log write failed')
      }
    }
    this.running = undefined
  }

  private async write(batch: { party: string; entry: RunLogEntry }[]): Promise<void> {
    const parties = [...new Set(batch.map((x) => x.party))]
    const runs = await this.redis.mget(...parties.map((p) => keys.conformanceActive(this.prefix, p)))
    const runOf = new Map(parties.map((p, i) => [p, runs[i]]))
    const byRun = new Map<string, string[]>()
    for (const { party, entry } of batch) {
      const run = runOf.get(party)
      if (run) byRun.set(run, [...(byRun.get(run) ?? []), JSON.stringify(entry)])
    }
    if (byRun.size === 0) return
    const multi = this.redis.multi()
    for (const [run, entries] of byRun) {
      const key = keys.conformanceRunLog(this.prefix, run)
      multi.rpush(key, ...entries).ltrim(key, -CONFORMANCE_LOG_MAX, -1).expire(key, RUN_RETENTION_S)
    }
    await multi.exec()
  }
}

const writers = new WeakMap<EnvContext, RunLogWriter>()

/** The writer of an environment, when its hook is installed (acceptance). */
export const runLogWriter = (envCtx: EnvContext): RunLogWriter | undefined => writers.get(envCtx)

/** Installs the run log on the acceptance subtree (env-routes.ts, after the auth hooks). */
export function installConformanceRunLog(app: FastifyInstance, envCtx: EnvContext): void {
  if (envCtx.env !== 'acceptance') return
  const writer = new RunLogWriter(envCtx.redis, envCtx.keys, app.log)
  writers.set(envCtx, writer)
  app.addHook('onError', async (request, _reply, error) => {
    ;(request as Marked)[CODE] = toGatewayError(error).error.code
  })
  app.addHook('onResponse', async (request, reply) => {
    const entry = logEntryFor(request, reply.statusCode, envCtx.env)
    if (entry) writer.append(request.party.id, entry)
  })
  app.addHook('onClose', async () => writer.drain())
}
