/**
 * Reading one blinker and the lifecycle events its parties send (acknowledge, resolve), shared by
 * REST and SOAP. Access rule: an unknown id is 404 for everyone; a blinker of a CPAS the software
 * house does not serve is 403 GW_ERR_FORBIDDEN_CPAS (contract section 7: "wrong CPAS" is 403).
 * That tells a software house that the id exists elsewhere, nothing more; ids carry no personal data.
 */
import type { EnvContext } from '../context.js'
import { isValidBlinkerId } from '../domain/identifiers.js'
import type { BlinkerStatus, PublishedBlinker } from '../domain/model.js'
import { GatewayError } from '../errors.js'
import { requireCpas } from '../ingress/rest/auth.js'
import type { Party } from '../parties/parties.js'
import { applyEvent, requireBlinker } from '../store/blinker-store.js'
import { keys } from '../store/keys.js'

export const RESOLVE_REASONS = ['FORM_D_RECEIVED', 'FORM_CORRECTED'] as const
export type ResolveReason = (typeof RESOLVE_REASONS)[number]

export function checkBlinkerId(blinkerId: string): void {
  if (!isValidBlinkerId(blinkerId)) {
    throw new GatewayError('GW_ERR_BAD_PARAMETER', 'The blinkerId path parameter is not a blinkerId', [{ path: 'params:/blinkerId', message: 'must match ^CLI-[0-9]{4}-[0-9]{9}$' }])
  }
}

/** The CPAS of a blinker (404 when unknown), checked against the caller's scope. */
async function requireAccess(envCtx: EnvContext, party: Party, blinkerId: string): Promise<void> {
  const cpas = await envCtx.redis.hget(keys.blinker(envCtx.keys, blinkerId), 'cpas')
  if (!cpas) throw new GatewayError('GW_ERR_UNKNOWN_BLINKER', `No blinker ${blinkerId} in ${envCtx.env}`)
  requireCpas(party, cpas)
}

/** GET /v1/blinkers/{id}: the blinker with status and history. */
export async function readBlinker(envCtx: EnvContext, party: Party, blinkerId: string): Promise<PublishedBlinker> {
  checkBlinkerId(blinkerId)
  const blinker = await requireBlinker(envCtx.redis, envCtx.keys, blinkerId, true)
  requireCpas(party, blinker.cpasKbo)
  return blinker
}

/** ACKNOWLEDGE: idempotent (a second call, or one after feedback, changes nothing). */
export async function acknowledgeBlinker(envCtx: EnvContext, party: Party, blinkerId: string): Promise<{ blinkerId: string; status: BlinkerStatus }> {
  checkBlinkerId(blinkerId)
  await requireAccess(envCtx, party, blinkerId)
  const result = await applyEvent(envCtx.redis, envCtx.keys, blinkerId, 'ACKNOWLEDGE', 'acknowledged', party.id)
  return { blinkerId, status: result.status }
}

/** RESOLVE (publisher): form D received or form corrected closes the blinker; 409 when already closed. */
export async function resolveBlinker(envCtx: EnvContext, party: Party, blinkerId: string, reason: ResolveReason): Promise<PublishedBlinker> {
  checkBlinkerId(blinkerId)
  await applyEvent(envCtx.redis, envCtx.keys, blinkerId, 'RESOLVE', `resolved:${reason}`, party.id)
  return requireBlinker(envCtx.redis, envCtx.keys, blinkerId, true)
}
