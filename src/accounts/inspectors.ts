/**
 * Named inspector accounts per environment: the people who log in to the pages. They come from
 * INSPECTORS_FILE (JSON, format below and in the README), or, when neither INSPECTORS_FILE nor
 * PARTIES_FILE is set, the demo inspectors (known demo passwords, listed in the README). Each
 * inspector acts as an inspection party of its environment (its `party`, by default the only
 * one): the role checks stay those of that party, while history and audit record the person.
 *
 *   { "acceptance": [ { "id": "marie.dubois", "name": "Marie Dubois",
 *                       "passwordScrypt": "$scrypt$ln=15,r=8,p=1$…$…", "oidcSubject": "…", "party": "inspection" } ],
 *     "production": [ … ] }
 *
 * A wrong file stops the start with a message naming the entry (InspectorsError).
 */
import { readFileSync } from 'node:fs'
import type { EnvName } from '../config.js'
import { PartiesError, type Party, type PartyDirectory } from '../parties/parties.js'
import { parseScryptHash } from './password-hash.js'

export interface Inspector {
  id: string
  name: string
  env: EnvName
  /** The inspection party whose rights the person uses. */
  party: Party
  /** PHC scrypt string; absent: this person logs in through OIDC only. */
  passwordScrypt?: string
  /** The identity provider's `sub` for this person; absent: local password only. */
  oidcSubject?: string
}

export interface EnvInspectors {
  env: EnvName
  byId: ReadonlyMap<string, Inspector>
  bySubject: ReadonlyMap<string, Inspector>
}

export interface InspectorDirectory {
  environments: ReadonlyMap<EnvName, EnvInspectors>
  /** The demo inspectors of the README are active. */
  demo: boolean
}

/** A start-stopping problem with the inspector accounts (server.ts prints it like a parties error). */
export class InspectorsError extends PartiesError {
  override name = 'InspectorsError'
}

type RawInspector = Record<string, unknown>
type InspectorsFile = Partial<Record<EnvName, RawInspector[]>>

export const INSPECTOR_ID = /^[a-z0-9][a-z0-9._-]{1,63}$/
const FIELDS = new Set(['id', 'name', 'passwordScrypt', 'oidcSubject', 'party'])

// Precomputed (ln=14: the demo passwords are public, their cost does not matter, a fast start does).
const DEMO_HASHES: Record<string, string> = {
  'demo-acc-marie': '$scrypt$ln=14,r=8,p=1$kjLbSLMZQa0z65pjO6oI4w$lrvF5+8aTjllS3OYBZhfNgjVcrEUbQw63fJy3fOORtY',
  'demo-acc-jan': '$scrypt$ln=14,r=8,p=1$aokTwJqYxdbaDloqOkYNTw$8d+5p+KoA2GcmTGXukmwOnUBqu3Y1fFr0gLIZceJ13A',
  'demo-prod-marie': '$scrypt$ln=14,r=8,p=1$hJtSpnAllrLPahTGBmCzCw$VjyRG7JIfHu2hgrGZDdlDeAHbIfF6ptbH3WIRjetlIs',
  'demo-prod-jan': '$scrypt$ln=14,r=8,p=1$aa9Ypd3XlrBPNi8W7q4ODw$hKQFLPb/WR5YU5HlZx9MH/a8fV2Kt8QZnjV9/KqvHp4',
}

/** The demo inspectors of the README: Marie Dubois (FR) and Jan Peeters (NL) in both environments, password `demo-{acc|prod}-{marie|jan}`. */
export function demoInspectorsFile(): InspectorsFile {
  const file: InspectorsFile = {}
  for (const env of ['acceptance', 'production'] as const) {
    const tag = env === 'acceptance' ? 'acc' : 'prod'
    file[env] = [
      { id: 'marie.dubois', name: 'Marie Dubois', passwordScrypt: DEMO_HASHES[`demo-${tag}-marie`] },
      { id: 'jan.peeters', name: 'Jan Peeters', passwordScrypt: DEMO_HASHES[`demo-${tag}-jan`] },
    ]
  }
  return file
}

export function readInspectorsFile(path: string): InspectorsFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as InspectorsFile
  } catch (err) {
    throw new InspectorsError(`INSPECTORS_FILE ${path}: cannot read it as JSON (${(err as Error).message})`)
  }
}

function inspectionParty(env: EnvName, where: string, raw: RawInspector, parties: PartyDirectory): Party {
  const section = parties.environments.get(env)
  const inspections = [...(section?.parties.values() ?? [])].filter((p) => p.role === 'inspection')
  if (raw.party !== undefined) {
    const party = typeof raw.party === 'string' ? section?.parties.get(raw.party) : undefined
    if (!party || party.role !== 'inspection') throw new InspectorsError(`${where}: party ${JSON.stringify(raw.party)} is not an inspection party of ${env}`)
    return party
  }
  if (inspections.length !== 1) throw new InspectorsError(`${where}: ${env} has ${inspections.length} inspection parties; say which one this person acts as ("party")`)
  return inspections[0] as Party
}

function inspectorOf(env: EnvName, index: number, raw: unknown, parties: PartyDirectory): Inspector {
  let where = `${env}[${index}]`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InspectorsError(`${where}: expected an object { id, name, passwordScrypt?, oidcSubject?, party? }`)
  const r = raw as RawInspector
  const unknown = Object.keys(r).filter((k) => !FIELDS.has(k))
  if (unknown.length) throw new InspectorsError(`${where}: unknown field(s) ${unknown.join(', ')}`)
  if (typeof r.id !== 'string' || !INSPECTOR_ID.test(r.id)) throw new InspectorsError(`${where}: id must be 2–64 characters a-z 0-9 . _ - (e.g. "marie.dubois")`)
  where = `${env} inspector ${r.id}`
  if (typeof r.name !== 'string' || r.name.trim().length === 0 || r.name.length > 120) throw new InspectorsError(`${where}: name must be 1–120 characters`)
  if (r.passwordScrypt === undefined && r.oidcSubject === undefined) throw new InspectorsError(`${where}: needs passwordScrypt, oidcSubject or both, else nobody can log in as this person`)
  const inspector: Inspector = { id: r.id, name: r.name.trim(), env, party: inspectionParty(env, where, r, parties) }
  if (r.passwordScrypt !== undefined) {
    const parsed = typeof r.passwordScrypt === 'string' ? parseScryptHash(r.passwordScrypt) : 'is not a string'
    if (typeof parsed === 'string') throw new InspectorsError(`${where}: passwordScrypt ${parsed}`)
    inspector.passwordScrypt = r.passwordScrypt as string
  }
  if (r.oidcSubject !== undefined) {
    if (typeof r.oidcSubject !== 'string' || r.oidcSubject.length === 0 || r.oidcSubject.length > 255) throw new InspectorsError(`${where}: oidcSubject must be 1–255 characters`)
    inspector.oidcSubject = r.oidcSubject
  }
  return inspector
}

/** Validates the file against the parties; refuses duplicates and ids that are also party ids (history would be ambiguous). */
export function buildInspectors(file: unknown, parties: PartyDirectory, served: readonly EnvName[], demo = false): InspectorDirectory {
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new InspectorsError('expected { "acceptance": [ … ], "production": [ … ] }')
  const unknownEnvs = Object.keys(file).filter((k) => k !== 'acceptance' && k !== 'production')
  if (unknownEnvs.length) throw new InspectorsError(`unknown environment(s) ${unknownEnvs.join(', ')}`)
  const environments = new Map<EnvName, EnvInspectors>()
  for (const env of served) {
    const list: unknown = (file as InspectorsFile)[env] ?? []
    if (!Array.isArray(list)) throw new InspectorsError(`${env}: expected a list of inspectors`)
    const byId = new Map<string, Inspector>()
    const bySubject = new Map<string, Inspector>()
    list.forEach((raw, i) => {
      const inspector = inspectorOf(env, i, raw, parties)
      if (byId.has(inspector.id)) throw new InspectorsError(`${env}: inspector id ${inspector.id} appears twice`)
      if (parties.environments.get(env)?.parties.has(inspector.id)) throw new InspectorsError(`${env}: inspector id ${inspector.id} is also a party id; history could not tell them apart`)
      byId.set(inspector.id, inspector)
      if (inspector.oidcSubject) {
        if (bySubject.has(inspector.oidcSubject)) throw new InspectorsError(`${env}: oidcSubject of ${inspector.id} is also given to ${bySubject.get(inspector.oidcSubject)?.id}`)
        bySubject.set(inspector.oidcSubject, inspector)
      }
    })
    environments.set(env, { env, byId, bySubject })
  }
  return { environments, demo }
}

/**
 * INSPECTORS_FILE when set; else the demo inspectors when the parties are the demo ones; else
 * nobody (the pages then open with an inspection Bearer token only).
 */
export function loadInspectors(path: string | undefined, parties: PartyDirectory, served: readonly EnvName[]): InspectorDirectory {
  if (path) {
    try {
      return buildInspectors(readInspectorsFile(path), parties, served)
    } catch (err) {
      if (err instanceof InspectorsError && !err.message.startsWith('INSPECTORS_FILE')) throw new InspectorsError(`INSPECTORS_FILE ${path}: ${err.message}`)
      throw err
    }
  }
  return parties.demo ? buildInspectors(demoInspectorsFile(), parties, served, true) : buildInspectors({}, parties, served)
}
