/**
 * Deterministic messageIds for feedback that arrives on a spreadsheet row (recap lists, demo data):
 * a name-based UUID, version 5 (RFC 9562: SHA-1 of a namespace and a name), from content that does
 * not depend on the file — blinkerId, code and comment. The same row imported again, from the
 * same file or another, is the same message, so the feedback service's idempotency applies.
 */
import { createHash } from 'node:crypto'

/** Namespace of the gateway's spreadsheet rows (a fixed random UUID). */
export const ROW_NAMESPACE = '6f1d3c2e-8b4a-4e57-9c1d-2a7e5b3f9d10'

export function uuidV5(name: string, namespace = ROW_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex')
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest()
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80
  const hex = hash.subarray(0, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/** The messageId of a row's feedback: blinkerId, code and comment (trimmed; absent = empty). */
export const rowMessageId = (blinkerId: string, code: number, comment: string | undefined): string =>
  uuidV5(`${blinkerId}\n${code}\n${(comment ?? '').trim()}`)
