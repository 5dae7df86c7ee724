/**
 * An .xlsx is a ZIP archive; a 1 MB upload can inflate to a gigabyte (a "zip bomb"), and the
 * sizes its directory declares may lie. Before ExcelJS sees a recap list, every entry is inflated
 * here with a hard output cap (zlib's maxOutputLength), so the real size is checked, not the
 * declared one. Only what an xlsx needs is accepted: stored or deflated entries, no ZIP64, no
 * encryption.
 */
import { inflateRawSync } from 'node:zlib'
import { GatewayError } from '../errors.js'

export interface ZipLimits {
  /** Total inflated bytes of all entries; default 64 MiB. */
  maxTotalBytes?: number
  /** Number of entries; default 1000. */
  maxEntries?: number
}

const EOCD = 0x06054b50
const CENTRAL = 0x02014b50
const LOCAL = 0x04034b50

const refuse = (message: string): never => {
  throw new GatewayError('GW_ERR_VALIDATION', `Not a usable .xlsx file: ${message}`, [{ path: '/', message }])
}

/** Throws GW_ERR_VALIDATION (400) unless `buf` is a ZIP within the limits; returns the entry count. */
export function checkZip(buf: Buffer, limits: ZipLimits = {}): number {
  const maxTotal = limits.maxTotalBytes ?? 64 * 1024 * 1024
  const maxEntries = limits.maxEntries ?? 1000
  if (buf.length < 22) refuse('too short for a ZIP archive')
  // The end-of-central-directory record is in the last 22 + 65535 (comment) bytes.
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65_535); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i
      break
    }
  }
  if (eocd < 0) refuse('no ZIP directory found')
  const entries = buf.readUInt16LE(eocd + 10)
  const cdOffset = buf.readUInt32LE(eocd + 16)
  if (entries === 0xffff || cdOffset === 0xffffffff) refuse('ZIP64 archives are not accepted')
  if (entries > maxEntries) refuse(`more than ${maxEntries} entries`)
  let total = 0
  let p = cdOffset
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) refuse('damaged ZIP directory')
    const flags = buf.readUInt16LE(p + 8)
    const method = buf.readUInt16LE(p + 10)
    const compressed = buf.readUInt32LE(p + 20)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    if (flags & 0x1) refuse('encrypted entries are not accepted')
    if (local + 30 > buf.length || buf.readUInt32LE(local) !== LOCAL) refuse('damaged ZIP entry')
    const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    if (dataStart + compressed > buf.length) refuse('truncated ZIP entry')
    const data = buf.subarray(dataStart, dataStart + compressed)
    const budget = maxTotal - total
    if (method === 0) total += data.length
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length
      } catch (err) {
        refuse((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? `inflates beyond ${maxTotal} bytes` : 'corrupt compressed data')
      }
    } else refuse(`compression method ${method} is not accepted`)
    if (total > maxTotal) refuse(`inflates beyond ${maxTotal} bytes`)
    p += 46 + nameLen + extraLen + commentLen
  }
  return entries
}
