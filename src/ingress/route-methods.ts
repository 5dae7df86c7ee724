/**
 * 405 instead of 404 when the path exists and the method does not (RFC 9110 section 15.5.6): an
 * onRoute hook records the methods of every URL pattern as it is registered, so a route added
 * later is covered without anyone listing it, and the not-found handler asks which patterns match
 * the path. The patterns are Fastify's (find-my-way syntax: `:param`, `:param(regex)`, `*`,
 * `::` for a literal colon), matched here only on answers that would otherwise be a 404.
 */
import type { FastifyInstance, RouteOptions } from 'fastify'

interface Pattern {
  re: RegExp
  methods: Set<string>
}

const escapeRe = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The anchored RegExp of a find-my-way URL pattern. */
export function patternRegExp(url: string): RegExp {
  let out = ''
  for (let i = 0; i < url.length; ) {
    const c = url[i] as string
    if (c === ':' && url[i + 1] === ':') {
      out += ':'
      i += 2
    } else if (c === ':') {
      // A parameter: its name, then an optional (regex) that it must match instead of one segment.
      let j = i + 1
      while (j < url.length && /[\w$]/.test(url[j] as string)) j++
      if (url[j] === '(') {
        let depth = 0
        let k = j
        for (; k < url.length; k++) {
          if (url[k] === '\\') k++
          else if (url[k] === '(') depth++
          else if (url[k] === ')' && --depth === 0) break
        }
        out += `(?:${url.slice(j + 1, k).replace(/^\^/, '').replace(/\$$/, '')})`
        i = k + 1
      } else {
        out += '[^/]+?'
        i = j
      }
    } else if (c === '*') {
      out += '.*'
      i++
    } else {
      out += escapeRe(c)
      i++
    }
  }
  return new RegExp(`^${out}$`)
}

/** Percent-decoded as the router sees it, or the raw text when the escapes are not valid UTF-8. */
const routerPath = (url: string): string => {
  const path = url.split('?', 1)[0] ?? ''
  try {
    return decodeURI(path)
  } catch {
    return path
  }
}

/** The methods registered per URL pattern of one app. */
export class RouteMethods {
  private readonly patterns = new Map<string, Pattern>()

  /** Records a route; GET implies HEAD, as Fastify exposes a HEAD route for every GET one. */
  add(url: string, method: string | readonly string[]): void {
    let p = this.patterns.get(url)
    if (!p) this.patterns.set(url, (p = { re: patternRegExp(url), methods: new Set() }))
    for (const m of typeof method === 'string' ? [method] : method) {
      p.methods.add(m.toUpperCase())
      if (m.toUpperCase() === 'GET') p.methods.add('HEAD')
    }
  }

  /** The methods some registered pattern takes on this URL (sorted), or undefined: no such path. */
  allowed(url: string): string[] | undefined {
    const path = routerPath(url)
    const methods = new Set<string>()
    for (const p of this.patterns.values()) if (p.re.test(path)) for (const m of p.methods) methods.add(m)
    return methods.size > 0 ? [...methods].sort() : undefined
  }

  /** Every pattern with its methods (sorted), in registration order. */
  entries(): [url: string, methods: string[]][] {
    return [...this.patterns].map(([url, p]) => [url, [...p.methods].sort()])
  }
}

const byApp = new WeakMap<FastifyInstance, RouteMethods>()

/** The routes recorded for an app (tests walk them). */
export const routeMethodsOf = (app: FastifyInstance): RouteMethods | undefined => byApp.get(app)

/** Starts recording the app's routes; call before any route is registered. */
export function collectRouteMethods(app: FastifyInstance): RouteMethods {
  const methods = new RouteMethods()
  byApp.set(app, methods)
  app.addHook('onRoute', (route: RouteOptions & { routePath?: string; prefix?: string }) => {
    methods.add(route.url, route.method)
    // A '/' route under a prefix is also served at '/prefix/' (prefixTrailingSlash 'both', the
    // default), a copy Fastify registers without running onRoute for it.
    if (route.routePath === '' && route.prefix && route.prefixTrailingSlash !== 'no-slash') methods.add(`${route.url}/`, route.method)
  })
  return methods
}
