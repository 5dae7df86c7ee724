/**
 * The one stored form of a blinker: JSON with the keys in FIELD_ORDER (the XSD order), absent
 * optional fields left out. Its SHA-256 is the blinker's digest, so "the same blinker again"
 * means the same content whatever key order or whitespace the publisher used.
 */
import { createHash } from 'node:crypto'
import { FIELD_ORDER, type Blinker } from './model.js'

type Ordered = Record<string, unknown>

function pick(value: Ordered, order: readonly string[]): Ordered {
  const out: Ordered = {}
  for (const k of order) if (value[k] !== undefined) out[k] = value[k]
  return out
}

/** The canonical object (a schema-valid blinker has no other keys than these). */
export function canonicalBlinker(b: Blinker): Blinker {
  const src = b as unknown as Ordered
  const out = pick(src, FIELD_ORDER.blinker.slice(0, 8))
  out.beneficiary = pick(src.beneficiary as Ordered, FIELD_ORDER.beneficiary)
  out.form = pick(src.form as Ordered, FIELD_ORDER.form)
  out.finding = pick(src.finding as Ordered, FIELD_ORDER.finding)
  return out as unknown as Blinker
}

export interface StoredDoc {
  /** Canonical JSON, stored as the record's `doc`. */
  doc: string
  /** base64url SHA-256 of doc (43 chars: smaller in Redis than hex). */
  digest: string
}

export function storedDoc(b: Blinker): StoredDoc {
  const doc = JSON.stringify(canonicalBlinker(b))
  return { doc, digest: createHash('sha256').update(doc).digest('base64url') }
}
