/**
 * Approved or not yet approved (seed: "secrétariats sociaux agréés" and "prestataires non
 * agréés", measured alike except the financial checks). Here a software house is approved when
 * it has passed conformance — a full pass recorded in acceptance (src/onboarding/, the record the
 * production gate reads) — and works in production: it is a party of the production environment.
 * A house still in acceptance only, or without a full pass, is not yet approved; a CPAS on Excel
 * lists is never approved (it is not a software house).
 *
 * In the production environment the second condition holds for every software house measured
 * there. In acceptance it needs the production parties (`productionIds`): a deployment that does
 * not serve production cannot tell, and then nobody is approved in its acceptance barometer.
 */
import type { EnvContext } from '../context.js'
import { acceptancePrefix } from '../onboarding/conformance-store.js'
import { keys } from '../store/keys.js'

/** Party ids of the production environment, when this deployment serves it (else undefined). */
export type ProductionIds = ReadonlySet<string> | undefined

/**
 * The approved ones among `ids` (software-house party ids): one MGET of their acceptance pass
 * records, however many they are.
 */
export async function approvedAmong(ctx: EnvContext, ids: readonly string[], productionIds: ProductionIds): Promise<Set<string>> {
  const inProduction = (id: string) => (ctx.env === 'production' ? ctx.parties.parties.has(id) : (productionIds?.has(id) ?? false))
  const candidates = ids.filter(inProduction)
  if (candidates.length === 0) return new Set()
  const prefix = acceptancePrefix(ctx.config)
  const passes = await ctx.redis.mget(...candidates.map((id) => keys.conformancePass(prefix, id)))
  return new Set(candidates.filter((_, i) => passes[i] !== null && passes[i] !== undefined))
}
