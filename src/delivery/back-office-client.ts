/**
 * The inspection back office, seen from the forward worker: POST {INSPECTION_URL}/feedback with
 * the feedback and the blinker it concerns, `Idempotency-Key: <messageId>` so a retry after a lost
 * answer has no second effect there. One undici Pool per worker (keep-alive), header and body
 * timeouts = FORWARD_TIMEOUT_MS, no retries of its own: BullMQ owns them.
 *
 * The answer decides the job's fate: 2xx done; 408, 429, 5xx, timeouts and network errors are
 * transient (throw → BullMQ retries with backoff); any other 4xx is permanent (the back office will
 * never take this body: UnrecoverableError → the failed set, i.e. the dead letters).
 */
import { UnrecoverableError } from 'bullmq'
import { Pool } from 'undici'
import type { Feedback, PublishedBlinker } from '../domain/model.js'

/** What the back office receives (published as schemas/forward-request.schema.json). */
export interface ForwardBody {
  feedback: Feedback
  blinker: PublishedBlinker
  receivedAt: string
  /** The software house that sent the feedback. */
  softwareHouse: string
}

/** A failure worth retrying; `statusCode` / `code` feed the job metrics' cause label. */
export class TransientForwardError extends Error {
  override name = 'TransientForwardError'
  constructor(
    message: string,
    readonly statusCode?: number,
    readonly code?: string,
  ) {
    super(message)
  }
}

export const isTransientStatus = (status: number): boolean => status === 408 || status === 429 || status >= 500

export interface BackOfficeClient {
  forward(messageId: string, body: ForwardBody): Promise<void>
  close(): Promise<void>
}

export function backOfficeClient(inspectionUrl: string, timeoutMs: number): BackOfficeClient {
  const base = new URL(inspectionUrl)
  const path = `${base.pathname.replace(/\/+$/, '')}/feedback`
  const pool = new Pool(base.origin, {
    connections: 32,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    keepAliveTimeout: 10_000,
  })
  return {
    async forward(messageId, body) {
      let status: number
      let text: string
      try {
        const res = await pool.request({
          method: 'POST',
          path,
          headers: { 'content-type': 'application/json', 'idempotency-key': messageId },
          body: JSON.stringify(body),
        })
        status = res.statusCode
        // Always drain the body, so the connection goes back to the pool.
        text = status >= 400 ? (await res.body.text()).slice(0, 200) : ''
        if (status < 400) await res.body.dump()
      } catch (err) {
        throw new TransientForwardError(`back office unreachable: ${(err as Error).message}`, undefined, (err as { code?: string }).code)
      }
      if (status >= 200 && status < 300) return
      const reason = `back office answered ${status}${text ? `: ${text}` : ''}`
      if (isTransientStatus(status)) throw new TransientForwardError(reason, status)
      // 1xx/3xx are as unexpected as a 4xx here: nobody will make this body acceptable by retrying.
      throw Object.assign(new UnrecoverableError(reason), { statusCode: status })
    },
    async close() {
      await pool.close()
    },
  }
}
