/**
 * The CPAS directory (PUT/GET /{env}/v1/cpas): names in French and Dutch for every CPAS, so the
 * ~577 CPAS that are not in the parties file (they work on Excel lists) show a name on the pages.
 *
 * Merge semantics: each CPAS in a request replaces its own entry (a name left out is removed
 * from that entry); CPAS not in the request keep theirs. The back office can so send the 589
 * CPAS in one or several calls of up to 1000, or correct one name, without a "delete all" step.
 */
import type { EnvContext } from '../context.js'
import { GatewayError, type FieldError } from '../errors.js'
import { readCpasDirectory, readCpasNames, writeCpasNames, type CpasNamesRecord } from './cpas-store.js'

/** The page languages (structurally the i18n `Lang`). */
export type CpasLang = 'fr' | 'nl' | 'en'

export interface CpasNamesInput {
  kbo: string
  nameFr?: string
  nameNl?: string
}

export interface CpasDirectoryRequest {
  cpas: CpasNamesInput[]
}

export interface CpasDirectoryEntry {
  kbo: string
  nameFr?: string
  nameNl?: string
  /** The name the parties file gives, if any. */
  partiesName?: string
  /** The software house serving it; absent: on Excel lists. */
  servedBy?: string
  updatedAt?: string
}

/** Validates (schema already passed: KBO checksum, lengths, no control characters) and stores. */
export async function putCpasDirectory(ctx: EnvContext, body: CpasDirectoryRequest, now = new Date()): Promise<void> {
  const errors: FieldError[] = []
  const seen = new Map<string, number>()
  const entries = new Map<string, CpasNamesRecord>()
  const updatedAt = now.toISOString()
  body.cpas.forEach((c, i) => {
    const first = seen.get(c.kbo)
    if (first !== undefined) {
      errors.push({ path: `body:/cpas/${i}/kbo`, message: `repeats /cpas/${first} (${c.kbo})` })
      return
    }
    seen.set(c.kbo, i)
    const fr = c.nameFr?.trim()
    const nl = c.nameNl?.trim()
    if (!fr && !nl) {
      errors.push({ path: `body:/cpas/${i}`, message: 'needs nameFr or nameNl (not blank)' })
      return
    }
    const record: CpasNamesRecord = { updatedAt }
    if (fr) record.fr = fr
    if (nl) record.nl = nl
    entries.set(c.kbo, record)
  })
  if (errors.length > 0) throw new GatewayError('GW_ERR_VALIDATION', 'Each CPAS once per request, with at least one name', errors)
  await writeCpasNames(ctx.redis, ctx.keys, entries)
}

/** The name for one language: nl → Dutch, fr → French, en → French; the other one when missing. */
export function nameIn(record: Pick<CpasNamesRecord, 'fr' | 'nl'> | undefined, lang: CpasLang): string | undefined {
  if (!record) return undefined
  return lang === 'nl' ? (record.nl ?? record.fr) : (record.fr ?? record.nl)
}

/** Display names of some CPAS: the directory's, else the parties file's, else the number. */
export async function cpasNames(ctx: EnvContext, kbos: readonly string[], lang: CpasLang): Promise<Map<string, string>> {
  const unique = [...new Set(kbos)]
  const stored = await readCpasNames(ctx.redis, ctx.keys, unique)
  const out = new Map<string, string>()
  for (const kbo of unique) out.set(kbo, nameIn(stored.get(kbo), lang) ?? ctx.parties.knownCpas.get(kbo)?.name ?? kbo)
  return out
}

/** Every CPAS the environment knows (directory ∪ parties file), ordered by number. */
export async function cpasDirectory(ctx: EnvContext): Promise<CpasDirectoryEntry[]> {
  const stored = await readCpasDirectory(ctx.redis, ctx.keys)
  const kbos = new Set([...stored.keys(), ...ctx.parties.knownCpas.keys()])
  return [...kbos].sort().map((kbo) => {
    const entry: CpasDirectoryEntry = { kbo }
    const record = stored.get(kbo)
    const known = ctx.parties.knownCpas.get(kbo)
    if (record?.fr) entry.nameFr = record.fr
    if (record?.nl) entry.nameNl = record.nl
    if (known?.name) entry.partiesName = known.name
    if (known?.servedBy) entry.servedBy = known.servedBy
    if (record) entry.updatedAt = record.updatedAt
    return entry
  })
}

/** The display name of one directory entry in a language (same fallbacks as cpasNames). */
export const entryName = (e: CpasDirectoryEntry, lang: CpasLang): string => nameIn({ ...(e.nameFr ? { fr: e.nameFr } : {}), ...(e.nameNl ? { nl: e.nameNl } : {}) }, lang) ?? e.partiesName ?? e.kbo
