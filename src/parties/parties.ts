/**
 * Parties per environment: who may call, with which role, for which CPAS. Tokens are only ever
 * held as SHA-256 hashes. Without PARTIES_FILE the fixed demo parties are used (and a warning is
 * logged by the caller), so the quick start and the guides work with known tokens.
 */
import { hash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ENVIRONMENTS, type EnvName } from '../config.js'
import { FLOWS, type CatalogueFlow } from '../domain/model.js'
import { CATALOGUE_FLOWS, DEFAULT_ACCEPTED_FLOWS, isCatalogueFlow } from '../flows/flow-catalogue.js'
import { schemaValidator, toFieldErrors } from '../validation/json-schemas.js'

/** The contract's three roles, plus `operator` (dead letters, replay: the people running the gateway). */
export const ROLES = ['publisher', 'software-house', 'inspection', 'operator'] as const
export type Role = (typeof ROLES)[number]

export interface Party {
  id: string
  name?: string
  role: Role
  env: EnvName
  /** CPAS served (software houses only). */
  cpas: ReadonlySet<string>
  /** Lower-case hex SHA-256 fingerprints of its client certificates (mTLS, WS-Security); default none. */
  certSha256?: ReadonlySet<string>
  /** Its SOAP calls must carry a valid WS-Security signature; default false. */
  requireWsSecurity?: boolean
  /** Production refuses its token until a full conformance pass is recorded in acceptance; default false. */
  requireConformancePass?: boolean
  /**
   * Software houses only: the flows (codes of schemas/flows.json) its software receives; a blinker
   * of another flow goes to the CPAS's transition list instead (src/flows/flow-acceptance.ts).
   * Default: the eight v1 flows.
   */
  acceptedFlows?: ReadonlySet<CatalogueFlow>
}

export interface EnvParties {
  env: EnvName
  parties: ReadonlyMap<string, Party>
  /** Every CPAS the environment knows: listed, or served by a software house. */
  knownCpas: ReadonlyMap<string, { kbo: string; name?: string; servedBy?: string }>
}

export interface PartyDirectory {
  environments: ReadonlyMap<EnvName, EnvParties>
  /** Looks a Bearer token up in every environment (to tell "other environment" from "unknown"). */
  byToken(token: string): Party | undefined
  /**
   * The parties holding a client certificate, by its SHA-256 fingerprint (any case, colons
   * allowed): at most one per environment, so the caller can tell "other environment" apart.
   */
  byCert(fingerprint: string): readonly Party[]
  demo: boolean
}

interface PartiesFile {
  [env: string]: {
    cpas?: { kbo: string; name?: string }[]
    parties: { id: string; name?: string; role: Role; tokenSha256?: string[]; certSha256?: string[]; requireWsSecurity?: boolean; requireConformancePass?: boolean; cpas?: string[]; acceptedFlows?: string[] }[]
  }
}

export const hashToken = (token: string): string => hash('sha256', token)

/** `AB:CD:…` (openssl, node's fingerprint256) or hex in any case → lower-case hex without colons. */
export const normalizeFingerprint = (fingerprint: string): string => fingerprint.replaceAll(':', '').toLowerCase()

export class PartiesError extends Error {
  override name = 'PartiesError'
}

/** The demo parties of the README: fixed tokens, both environments. */
export function demoPartiesFile(): PartiesFile {
  const file: PartiesFile = {}
  for (const env of ENVIRONMENTS) {
    const tag = env === 'acceptance' ? 'acc' : 'prod'
    file[env] = {
      cpas: [
        { kbo: '0212344876', name: 'CPAS de Démoville' },
        { kbo: '0207151616', name: 'OCMW Voorbeeldstad' },
        { kbo: '0207017596', name: 'CPAS de Testbourg' },
      ],
      parties: [
        { id: 'publisher', name: 'Back office (demo)', role: 'publisher', tokenSha256: [hashToken(`demo-${tag}-publisher`)] },
        { id: 'inspection', name: 'Inspection service (demo)', role: 'inspection', tokenSha256: [hashToken(`demo-${tag}-inspection`)] },
        { id: 'operator', name: 'Gateway operations (demo)', role: 'operator', tokenSha256: [hashToken(`demo-${tag}-operator`)] },
        // Alpha has opted in to one announced flow (README "New flows"); Beta receives the v1 flows only.
        { id: 'alpha', name: 'Alpha Software (demo)', role: 'software-house', tokenSha256: [hashToken(`demo-${tag}-alpha`)], cpas: ['0212344876', '0207151616'], acceptedFlows: [...FLOWS, 'WORK_INCAPACITY'] },
        { id: 'beta', name: 'Beta Informatique (demo)', role: 'software-house', tokenSha256: [hashToken(`demo-${tag}-beta`)], cpas: ['0207017596'] },
      ],
    }
  }
  return file
}

export function readPartiesFile(path: string): PartiesFile {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new PartiesError(`PARTIES_FILE ${path}: cannot read it as JSON (${(err as Error).message})`)
  }
  const validate = schemaValidator('parties.schema.json')
  if (!validate(data)) {
    const problems = toFieldErrors(validate.errors).map((e) => `${e.path} ${e.message}`)
    throw new PartiesError(`PARTIES_FILE ${path} does not match schemas/parties.schema.json:\n  ${problems.join('\n  ')}`)
  }
  return data as PartiesFile
}

/** Builds the lookup structures; refuses a token hash given to two parties. */
export function buildDirectory(file: PartiesFile, served: readonly EnvName[], demo = false): PartyDirectory {
  const environments = new Map<EnvName, EnvParties>()
  const tokens = new Map<string, Party>()
  const certs = new Map<string, Party[]>()
  for (const env of served) {
    const section = file[env] ?? { parties: [] }
    const parties = new Map<string, Party>()
    const knownCpas = new Map<string, { kbo: string; name?: string; servedBy?: string }>()
    for (const c of section.cpas ?? []) knownCpas.set(c.kbo, { ...c })
    for (const p of section.parties) {
      if (parties.has(p.id)) throw new PartiesError(`${env}: party id ${p.id} appears twice`)
      if (p.role !== 'software-house' && p.cpas?.length) throw new PartiesError(`${env}: party ${p.id} is a ${p.role}; only software houses serve CPAS`)
      const party: Party = { id: p.id, role: p.role, env, cpas: new Set(p.cpas ?? []) }
      if (p.name !== undefined) party.name = p.name
      if (p.certSha256?.length) party.certSha256 = new Set(p.certSha256.map(normalizeFingerprint))
      if (p.requireWsSecurity) party.requireWsSecurity = true
      if (p.requireConformancePass) party.requireConformancePass = true
      if (p.role === 'software-house') party.acceptedFlows = acceptedFlows(env, p.id, p.acceptedFlows)
      else if (p.acceptedFlows) throw new PartiesError(`${env}: party ${p.id} is a ${p.role}; only software houses declare acceptedFlows`)
      parties.set(p.id, party)
      for (const kbo of party.cpas) {
        const known = knownCpas.get(kbo)
        if (known?.servedBy) throw new PartiesError(`${env}: CPAS ${kbo} is served by both ${known.servedBy} and ${p.id}`)
        knownCpas.set(kbo, { ...(known ?? { kbo }), servedBy: p.id })
      }
      for (const h of p.tokenSha256 ?? []) {
        if (tokens.has(h)) throw new PartiesError(`${env}: a token of party ${p.id} is also given to ${tokens.get(h)?.env}/${tokens.get(h)?.id}`)
        tokens.set(h, party)
      }
      // Unlike a token, one certificate may serve a party in each environment (the same software
      // house onboarded in both), but never two parties of one environment.
      for (const fp of party.certSha256 ?? []) {
        const holders = certs.get(fp) ?? []
        const clash = holders.find((h) => h.env === env)
        if (clash) throw new PartiesError(`${env}: certificate ${fp} of party ${p.id} is also given to ${clash.id}`)
        certs.set(fp, [...holders, party])
      }
      if (party.requireWsSecurity && !party.certSha256) throw new PartiesError(`${env}: party ${p.id} requires WS-Security but registers no certSha256`)
    }
    environments.set(env, { env, parties, knownCpas })
  }
  return { environments, byToken: (token) => tokens.get(hashToken(token)), byCert: (fp) => certs.get(normalizeFingerprint(fp)) ?? [], demo }
}

/**
 * A software house's acceptedFlows: codes of the flow catalogue, the eight v1 flows always among
 * them (every connected software house passed conformance on them; leaving one out would silently
 * move a v1 flow to the Excel lists). Absent: the v1 flows.
 */
function acceptedFlows(env: EnvName, id: string, listed: readonly string[] | undefined): ReadonlySet<CatalogueFlow> {
  if (!listed) return new Set(DEFAULT_ACCEPTED_FLOWS)
  const unknown = listed.filter((f) => !isCatalogueFlow(f))
  if (unknown.length > 0) throw new PartiesError(`${env}: party ${id} accepts ${unknown.join(', ')}, not in the flow catalogue (schemas/flows.json: ${CATALOGUE_FLOWS.join(', ')})`)
  const missing = FLOWS.filter((f) => !listed.includes(f))
  if (missing.length > 0) throw new PartiesError(`${env}: party ${id}: acceptedFlows must include the eight v1 flows (every software house receives them); missing ${missing.join(', ')}`)
  return new Set(listed)
}

export function loadParties(path: string | undefined, served: readonly EnvName[]): PartyDirectory {
  return path ? buildDirectory(readPartiesFile(path), served) : buildDirectory(demoPartiesFile(), served, true)
}
