/**
 * The query of the workspace pages, checked by hand: a value the page cannot serve is a
 * PageQueryError (the route answers the HTML error page in the chosen language), never a 500 and
 * never a silently ignored filter. `lang` is the layout's; every other name must be known.
 */
import { isValidKbo } from '../domain/identifiers.js'
import { feedbackCode } from '../domain/feedback-codes.js'
import type { CatalogueFlow } from '../domain/model.js'
import { isCatalogueFlow } from '../flows/flow-catalogue.js'

export class PageQueryError extends Error {
  override name = 'PageQueryError'
  constructor(readonly param: string) {
    super(`bad query parameter ${param}`)
  }
}

/** Query values as the route gets them (the last of a repeated name). */
export type RawQuery = Record<string, string | undefined>

/** Refuses any name not in `allowed` (plus `lang`). */
export function onlyKnown(query: RawQuery, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) if (name !== 'lang' && !allowed.includes(name)) throw new PageQueryError(name)
}

const present = (v: string | undefined): v is string => v !== undefined && v.trim() !== ''

export function kboParam(query: RawQuery, name: string): string | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  const kbo = v.trim().replace(/[.\s]/g, '')
  if (!isValidKbo(kbo)) throw new PageQueryError(name)
  return kbo
}

export function flowParam(query: RawQuery, name: string): CatalogueFlow | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  if (!isCatalogueFlow(v)) throw new PageQueryError(name)
  return v
}

export function codeParam(query: RawQuery, name: string): number | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  if (!/^[0-9]{1,4}$/.test(v) || !feedbackCode(Number(v))) throw new PageQueryError(name)
  return Number(v)
}

export function intParam(query: RawQuery, name: string, min: number, max: number): number | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  if (!/^[0-9]{1,7}$/.test(v) || Number(v) < min || Number(v) > max) throw new PageQueryError(name)
  return Number(v)
}

/** A party id or a paging cursor: printable, short. */
export function tokenParam(query: RawQuery, name: string, pattern = /^[A-Za-z0-9._:-]{1,128}$/): string | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  if (!pattern.test(v)) throw new PageQueryError(name)
  return v
}

/** `?sort=column` or `?sort=-column` (descending) among the list's columns. */
export function sortParam<C extends string>(query: RawQuery, name: string, columns: readonly C[], fallback: C, fallbackDesc = false): { column: C; desc: boolean } {
  const v = query[name]
  if (!present(v)) return { column: fallback, desc: fallbackDesc }
  const desc = v.startsWith('-')
  const column = desc ? v.slice(1) : v
  if (!(columns as readonly string[]).includes(column)) throw new PageQueryError(name)
  return { column: column as C, desc }
}

/** Free text search (directory): trimmed, at most 100 characters, no control characters. */
export function textParam(query: RawQuery, name: string): string | undefined {
  const v = query[name]
  if (!present(v)) return undefined
  // eslint-disable-next-line no-control-regex
  if (v.length > 100 || /[\u0000-\u001f\u007f]/.test(v)) throw new PageQueryError(name)
  return v.trim()
}
