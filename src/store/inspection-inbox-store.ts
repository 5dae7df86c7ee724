/**
 * Reading the built-in inspection inbox: a Redis STREAM the forward worker appends to (once per
 * message, in the same Lua step that records the forward) when INSPECTION_URL is unset. Stream ids
 * are the paging cursor: increasing, stable, and `(id` reads strictly after one.
 */
import type { Redis } from 'ioredis'
import { keys } from './keys.js'
import { rangeStartAfter } from './stream-id.js'

export interface InboxEntry {
  /** Stream id: the cursor of this entry. */
  id: string
  messageId: string
  body: unknown
}

export async function readInbox(redis: Redis, prefix: string, after: string | undefined, limit: number): Promise<InboxEntry[]> {
  const rows = await redis.xrange(keys.inspectionInbox(prefix), rangeStartAfter(after), '+', 'COUNT', limit)
  return rows.map(([id, fields]) => {
    const f: Record<string, string> = {}
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string
    return { id, messageId: f.messageId ?? '', body: JSON.parse(f.body ?? 'null') as unknown }
  })
}
