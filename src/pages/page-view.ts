/**
 * The view of a request every page renders with: environment, language (negotiateLang), path
 * and query (for the language switch), and — when the accounts' session hook set them — the
 * person and the session's CSRF token. Read through an optional shape so this compiles whether
 * or not src/accounts/ declares `request.person` / `request.csrf`.
 */
import type { FastifyRequest } from 'fastify'
import { negotiateLang } from '../i18n/index.js'
import { maskNissText } from '../security/niss-scrub.js'
import type { PageView } from './layout.js'

type MaybeSession = { person?: { id: string; name: string } | null; csrf?: string | null; envCtx?: { env: string } | null }

/** The query of a URL as a flat record (the last value of a repeated name wins). */
export function queryOf(url: string): Record<string, string> {
  const q = url.indexOf('?')
  return q < 0 ? {} : Object.fromEntries([...new URLSearchParams(url.slice(q + 1))].map(([k, v]) => [maskNissText(k), maskNissText(v)]))
}

/** Percent-decoded (so `%38%35…` is seen as the digits it is); the raw text if it does not decode. */
function safeDecode(path: string): string {
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}

export function pageView(request: FastifyRequest): PageView {
  const session = request as unknown as MaybeSession
  // Path and query come back in every page (language switch, links): a NISS typed into either is
  // masked here, once for every page and error page, rather than trusted to each template.
  const path = maskNissText(safeDecode(request.url.split('?')[0] ?? '/'))
  const env = session.envCtx?.env ?? path.split('/')[1] ?? ''
  const view: PageView = { env, lang: negotiateLang(request), path, query: queryOf(request.url) }
  if (session.person) view.person = { id: session.person.id, name: session.person.name }
  if (session.csrf) view.csrf = session.csrf
  return view
}
