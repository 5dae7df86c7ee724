/**
 * The audit trail: every state-changing call on /{env} — who (party, role, and the person when a
 * browser session made it), environment, what
 * (method, route, SOAP operation), on which blinker / message / CPAS (or how many items for a
 * batch), and the result (HTTP status and GW_ERR code) — appended to the environment's
 * hash-chained stream (audit-chain.ts). One generic hook set, installed once per environment in
 * env-routes.ts, so no route file has to remember it.
 *
 * What is written is what the inspection needs and no more: identifiers that match their formats,
 * never a NISS, a name, a comment or a body. Audited: POST/PUT/PATCH/DELETE on non-public routes,
 * except SOAP calls whose operation is a read (GetBlinkers, GetFeedbackStatus); refusals are
 * audited too (403, 409, 429, …) once the caller is authenticated. Calls that fail authentication
 * have no "who" and are unbounded in number: they are in the access log, not in the trail.
 *
 * The write happens after the answer is sent (onResponse) and never delays or undoes it: entries
 * are queued in memory and appended in batches, one round trip per batch. A failed write is logged
 * at error level with the entries it lost (no personal data in them); closing the app flushes the
 * queue first.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import type { EnvContext } from '../context.js'
import { toGatewayError } from '../ingress/error-mapping.js'
import { keys } from '../store/keys.js'
import { appendChained, type AuditEntry } from './audit-chain.js'
import { maskNissText } from './niss-scrub.js'

/** Operations a SOAP handler reports through noteAuditOperation; only the state-changing ones are kept. */
const SOAP_READS = new Set(['GetBlinkers', 'GetFeedbackStatus'])
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const BLINKER_ID = /^CLI-[0-9]{4}-[0-9]{9}$/
const MESSAGE_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const KBO = /^[01][0-9]{9}$/

/** A value kept only when it has its identifier's format (a garbage field never reaches the trail). */
const idOf = (value: unknown, format: RegExp, lower = false): string | undefined =>
  typeof value === 'string' && format.test(value) ? (lower ? value.toLowerCase() : value) : undefined

/** What the route learnt about the call, beyond what the hook can read from params and body. */
export interface AuditNote {
  operation?: string
  blinkerId?: unknown
  messageId?: unknown
  cpasKbo?: unknown
}

const NOTE = Symbol('auditNote')
const RESULT = Symbol('auditResult')
type Annotated = FastifyRequest & { [NOTE]?: AuditNote; [RESULT]?: string }

/** Called by the SOAP adapter once it knows the operation and its (XSD-valid) input. */
export function noteAuditOperation(request: FastifyRequest, operation: string, input: unknown): void {
  const i = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>
  ;(request as Annotated)[NOTE] = { operation, blinkerId: i.blinkerId, messageId: i.messageId, cpasKbo: i.cpasKbo }
}

/** How long an entry waits for others before a batch is appended (a crash loses at most this much of the trail). */
const AUDIT_GATHER_MS = 10

/** Batches entries in memory and appends them in order; one writer per environment and process. */
export class AuditWriter {
  private pending: AuditEntry[] = []
  private running: Promise<void> | undefined
  private head: string | undefined

  /**
   * @param batchMax most entries per append (default 256)
   */
  constructor(
    private readonly redis: Redis,
    readonly stream: string,
    private readonly log: FastifyBaseLogger,
    private readonly batchMax = 256,
  ) {}

  append(entry: AuditEntry): void {
    this.pending.push(entry)
    // Started AUDIT_GATHER_MS later: the answers sent meanwhile share a batch (one script call
    // for many entries instead of one each under load).
    this.running ??= new Promise<void>((resolve) => setTimeout(resolve, AUDIT_GATHER_MS)).then(() => this.run())
  }

  /** Resolves once every entry queued so far is written (or logged as lost). */
  async drain(): Promise<void> {
    while (this.running) await this.running
  }

  private async run(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.batchMax)
      try {
        this.head = await appendChained(this.redis, this.stream, batch, this.head)
      } catch (err) {
        this.head = undefined
        this.log.error({ err, stream: this.stream, lost: batch }, 'audit trail write failed; the requests themselves were answered')
      }
    }
    // No await between the last length check and this: an append() after it starts a new run.
    this.running = undefined
  }
}

const writers = new WeakMap<EnvContext, AuditWriter>()

/** The writer of an environment (tests drain it before reading the stream). */
export const auditWriter = (envCtx: EnvContext): AuditWriter | undefined => writers.get(envCtx)

function shouldAudit(request: Annotated): boolean {
  if (!CHANGES.has(request.method)) return false
  const roles = request.routeOptions.config?.roles
  if (!roles || roles === 'public' || !request.party) return false
  const op = request[NOTE]?.operation
  return !(op && SOAP_READS.has(op))
}

function entryFor(request: Annotated, status: number, env: string): AuditEntry {
  const params = (request.params ?? {}) as Record<string, unknown>
  const body = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<string, unknown>
  const note = request[NOTE] ?? {}
  const batch = Array.isArray(body.blinkers) ? body.blinkers : Array.isArray(body.feedback) ? body.feedback : undefined
  const route = (request.routeOptions.url ?? '').slice(`/${env}`.length)
  return {
    at: new Date().toISOString(),
    env,
    party: request.party.id,
    role: request.party.role,
    method: request.method,
    route,
    operation: note.operation ?? '',
    blinkerId: idOf(note.blinkerId ?? params.blinkerId ?? body.blinkerId, BLINKER_ID) ?? '',
    messageId: idOf(note.messageId ?? params.messageId ?? body.messageId, MESSAGE_ID, true) ?? '',
    cpas: idOf(note.cpasKbo ?? params.kbo ?? body.cpasKbo, KBO) ?? '',
    count: batch ? String(batch.length) : '',
    status: String(status),
    result: request[RESULT] ?? (status < 400 ? 'OK' : `HTTP_${status}`),
    // app.ts keeps a client's X-Request-Id only when it cannot carry a NISS; masked again here
    // because the trail can never be cleaned.
    requestId: maskNissText(String(request.id)).slice(0, 64),
    // The inspector, when a browser session made the call (src/accounts/session-hook.ts).
    ...(request.person ? { person: request.person.id } : {}),
  }
}

/** Installs the audit hooks on an env-scoped instance (before its routes). */
export function installAuditTrail(app: FastifyInstance, envCtx: EnvContext): void {
  const writer = new AuditWriter(envCtx.redis, keys.audit(envCtx.keys), app.log)
  writers.set(envCtx, writer)
  app.addHook('onError', async (request, _reply, error) => {
    ;(request as Annotated)[RESULT] = toGatewayError(error).error.code
  })
  app.addHook('onResponse', async (request, reply) => {
    if (shouldAudit(request)) writer.append(entryFor(request, reply.statusCode, envCtx.env))
  })
  app.addHook('onClose', async () => writer.drain())
}
