/** The pending list's filters from a query (or a decision form's hidden fields). */
import type { EnvContext } from '../context.js'
import { codeParam, flowParam, intParam, kboParam, PageQueryError, tokenParam, type RawQuery } from './page-query.js'
import type { PendingFilters } from './pending-model.js'

export function pendingFilters(ctx: EnvContext, query: RawQuery): PendingFilters {
  const filters: PendingFilters = {}
  const cpas = kboParam(query, 'cpas')
  const flow = flowParam(query, 'flow')
  const code = codeParam(query, 'code')
  const softwareHouse = tokenParam(query, 'softwareHouse')
  const olderThan = intParam(query, 'olderThan', 0, 3650)
  if (softwareHouse !== undefined && ctx.parties.parties.get(softwareHouse)?.role !== 'software-house') throw new PageQueryError('softwareHouse')
  if (cpas !== undefined) filters.cpas = cpas
  if (flow !== undefined) filters.flow = flow
  if (code !== undefined) filters.code = code
  if (softwareHouse !== undefined) filters.softwareHouse = softwareHouse
  if (olderThan !== undefined) filters.olderThan = olderThan
  return filters
}

/** Same, but a form whose hidden filters are unusable just returns to the unfiltered list. */
export function formFilters(ctx: EnvContext, form: RawQuery): PendingFilters {
  try {
    return pendingFilters(ctx, form)
  } catch {
    return {}
  }
}
