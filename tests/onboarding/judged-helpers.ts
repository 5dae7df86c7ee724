/** Shared by the judged-conformance tests: a parties file with alpha gated in production, the CLI's io, production's mailbox. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashToken } from '../../src/parties/parties.js'
import { CPAS } from '../helpers/blinkers.js'
import { auth, type TestGateway } from '../helpers/gateway.js'

/** Tokens `acc-…` / `prod-…` for alpha, beta, operator and inspection; alpha needs a pass in production. */
export function gatedPartiesFile(): string {
  const env = (tag: string, gated: boolean) => ({
    cpas: [{ kbo: CPAS.alpha1 }, { kbo: CPAS.alpha2 }, { kbo: CPAS.beta }],
    parties: [
      { id: 'alpha', role: 'software-house', tokenSha256: [hashToken(`${tag}-alpha`)], cpas: [CPAS.alpha1, CPAS.alpha2], ...(gated ? { requireConformancePass: true } : {}) },
      { id: 'beta', role: 'software-house', tokenSha256: [hashToken(`${tag}-beta`)], cpas: [CPAS.beta] },
      { id: 'operator', role: 'operator', tokenSha256: [hashToken(`${tag}-operator`)] },
      { id: 'inspection', role: 'inspection', tokenSha256: [hashToken(`${tag}-inspection`)] },
    ],
  })
  const file = join(mkdtempSync(join(tmpdir(), 'bgw-parties-')), 'parties.json')
  writeFileSync(file, JSON.stringify({ acceptance: env('acc', false), production: env('prod', true) }))
  return file
}

export function capture() {
  const out: string[] = []
  const err: string[] = []
  return { io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l) }, out, err }
}

export const prodMailbox = (gw: TestGateway, token = 'prod-alpha', kbo: string = CPAS.alpha1) =>
  gw.app.inject({ method: 'GET', url: `/production/v1/cpas/${kbo}/blinkers`, headers: auth(token) })
