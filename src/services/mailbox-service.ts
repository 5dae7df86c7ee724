/**
 * The pull mailbox (REST GET /{env}/v1/cpas/{kbo}/blinkers and SOAP GetBlinkers share this).
 *
 * Cursor: base64url of the mailbox stream id of the last blinker returned ("<ms>-<seq>"), opaque to
 * clients. `next` is ALWAYS present: the cursor to pass as `after` on the next call (the last id of
 * this page, or the `after` given when nothing new arrived), so a client polls with the cursor of
 * its last answer and never misses nor re-reads a blinker. A page shorter than `limit` means the
 * mailbox was drained at that moment.
 */
import type { EnvContext } from '../context.js'
import { isValidKbo } from '../domain/identifiers.js'
import type { PublishedBlinker } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { requireCpas } from '../ingress/rest/auth.js'
import type { Party } from '../parties/parties.js'
import { readMailbox, type MailboxEntry } from '../store/mailbox-store.js'
import { cursorAfter } from '../store/stream-id.js'

export const MAILBOX_LIMIT = { default: 100, max: 500 } as const

// base64url of at most 41 bytes (two 20-digit parts and the dash): 56 characters.
const CURSOR = /^[A-Za-z0-9_-]{1,56}$/

export const encodeCursor = (streamId: string): string => Buffer.from(streamId, 'latin1').toString('base64url')

/**
 * The stream id inside a cursor; anything else — including an id Redis would refuse (a part over
 * 2^64 − 1, the largest id, leading zeros) — is the caller's 400 (src/store/stream-id.ts).
 */
export function decodeCursor(cursor: string): string {
  const id = CURSOR.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : ''
  return cursorAfter(id, 'querystring:/after')
}

/** Parses `limit` from a query string or SOAP element (both arrive as text). */
export function parseLimit(raw: string | number | undefined): number {
  if (raw === undefined || raw === '') return MAILBOX_LIMIT.default
  const n = typeof raw === 'number' ? raw : /^[0-9]{1,6}$/.test(raw) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n < 1 || n > MAILBOX_LIMIT.max) {
    throw new GatewayError('GW_ERR_BAD_PARAMETER', `limit must be an integer from 1 to ${MAILBOX_LIMIT.max}`, [{ path: 'querystring:/limit', message: `must be an integer from 1 to ${MAILBOX_LIMIT.max}` }])
  }
  return n
}

export function checkKbo(kbo: string): void {
  if (!isValidKbo(kbo)) throw new GatewayError('GW_ERR_BAD_PARAMETER', 'The kbo path parameter is not a valid enterprise number', [{ path: 'params:/kbo', message: 'must be a valid enterprise number (10 digits, mod-97 check)' }])
}

export interface BlinkerPage {
  blinkers: PublishedBlinker[]
  next: string
}

/** The checks and the read every adapter shares; the blinkers returned become DELIVERED. */
async function readPage(envCtx: EnvContext, party: Party, kbo: string, after?: string, limit?: string | number): Promise<{ entries: MailboxEntry[]; next: string }> {
  checkKbo(kbo)
  const afterId = after === undefined || after === '' ? undefined : decodeCursor(after)
  const n = parseLimit(limit)
  requireCpas(party, kbo)
  const page = await readMailbox(envCtx.redis, envCtx.keys, kbo, afterId, n, party.id)
  return { entries: page.entries, next: encodeCursor(page.last ?? '0-0') }
}

/** One page of a CPAS's mailbox in publication order, as model objects (SOAP GetBlinkers). */
export async function pullMailbox(envCtx: EnvContext, party: Party, kbo: string, after?: string, limit?: string | number): Promise<BlinkerPage> {
  const { entries, next } = await readPage(envCtx, party, kbo, after, limit)
  const blinkers = entries.map((e) => ({ ...(JSON.parse(e.doc) as PublishedBlinker), status: e.status, publishedAt: e.publishedAt }))
  return { blinkers, next }
}

/**
 * The same page as JSON text (REST). The stored docs are already canonical JSON in FIELD_ORDER, so
 * `status` and `publishedAt` are appended to each text instead of parsing and re-serializing 500
 * objects: the mailbox page is the hot read path (p99 < 50 ms for 500 with 100 000 stored).
 */
export async function pullMailboxJson(envCtx: EnvContext, party: Party, kbo: string, after?: string, limit?: string | number): Promise<string> {
  const { entries, next } = await readPage(envCtx, party, kbo, after, limit)
  const items = entries.map((e) => `${e.doc.slice(0, -1)},"status":${JSON.stringify(e.status)},"publishedAt":${JSON.stringify(e.publishedAt)}}`)
  return `{"blinkers":[${items.join(',')}],"next":${JSON.stringify(next)}}`
}
