/**
 * Inspector passwords, hashed with scrypt (node:crypto) in the PHC string format
 * `$scrypt$ln=15,r=8,p=1$<salt>$<key>` (base64 without padding): the salt and the cost parameters
 * travel with the hash, so the cost can be raised later without invalidating stored accounts.
 * Verification recomputes the key with the stored parameters and compares in constant time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/** Cost of new hashes: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s), the OWASP floor for scrypt. */
export const DEFAULT_COST = { ln: 15, r: 8, p: 1 } as const
/** Longest password accepted (scrypt's cost does not depend on it, the body limit does). */
export const MAX_PASSWORD_LENGTH = 1024

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22,88})\$([A-Za-z0-9+/]{43,88})$/
// Bounds that keep a hostile or mistyped file from asking for gigabytes or minutes per login.
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16] } as const

export interface ScryptHash {
  ln: number
  r: number
  p: number
  salt: Buffer
  key: Buffer
}

/** The parts of a stored hash, or a sentence saying what is wrong with it. */
export function parseScryptHash(stored: string): ScryptHash | string {
  const m = PHC.exec(stored)
  if (!m) return 'is not a "$scrypt$ln=N,r=R,p=P$salt$key" string (blinker-gateway hash-password prints one)'
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])]
  for (const [name, value] of [['ln', ln], ['r', r], ['p', p]] as const) {
    const [min, max] = LIMITS[name]
    if (value < min || value > max) return `has ${name}=${value}, outside ${min}–${max}`
  }
  const salt = Buffer.from(m[4] as string, 'base64')
  const key = Buffer.from(m[5] as string, 'base64')
  if (salt.length < 16) return 'has a salt shorter than 16 bytes'
  if (key.length < 32) return 'has a key shorter than 32 bytes'
  return { ln, r, p, salt, key }
}

function derive(password: string, salt: Buffer, length: number, cost: { ln: number; r: number; p: number }): Promise<Buffer> {
  const N = 2 ** cost.ln
  // scrypt needs 128·N·r bytes; Node refuses above maxmem (32 MiB by default), so allow what the parameters need.
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r + 1024 * 1024 }
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/** A new hash of `password` with a random 16-byte salt; `cost` defaults to DEFAULT_COST. */
export async function hashPassword(password: string, cost: { ln: number; r: number; p: number } = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, 32, cost)
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`
}

/** Whether `password` matches the stored hash; a malformed hash or an over-long password never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseScryptHash(stored)
  if (typeof parsed === 'string' || password.length > MAX_PASSWORD_LENGTH) return false
  const key = await derive(password, parsed.salt, parsed.key.length, parsed)
  return timingSafeEqual(key, parsed.key)
}
