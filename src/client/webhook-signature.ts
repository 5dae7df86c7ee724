/** Checking a push delivery: `X-Blinker-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const signBody = (body: string | Buffer, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

/** True when `header` is the signature of the raw `body` with `secret` (constant-time compare). */
export function verifySignature(body: string | Buffer, header: string | string[] | undefined, secret: string): boolean {
  const given = Array.isArray(header) ? header[0] : header
  if (!given) return false
  const expected = Buffer.from(signBody(body, secret))
  const actual = Buffer.from(given)
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
