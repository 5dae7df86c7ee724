/**
 * Texts for people in French, Dutch and English. One catalogue per language (fr.json, nl.json,
 * en.json, same keys; tests/i18n/catalogues.test.ts fails on a missing key), one top-level
 * namespace per area. The API stays language-neutral: only pages, exports and people-facing
 * messages go through here.
 *
 * How a page's language is chosen (contract section 9): `?lang=fr|nl|en`, then the user's
 * earlier choice (cookie `bgw_lang`, set by rememberLang when `?lang=` is given), then
 * `Accept-Language` (q-values honoured), else French.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { feedbackCode } from '../domain/feedback-codes.js'
import { ROOT_DIR } from '../paths.js'

export type Lang = 'fr' | 'nl' | 'en'
export const LANGS: readonly Lang[] = ['fr', 'nl', 'en']
export const LOCALES: Record<Lang, string> = { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' }
/** The language when nothing else says. */
export const DEFAULT_LANG: Lang = 'fr'
/** The cookie that keeps the user's choice. */
export const LANG_COOKIE = 'bgw_lang'
/** How long the choice is kept: a year. */
export const LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600

type Tree = { [key: string]: string | Tree }

/** Where the catalogues live, whether running from src/ or dist/src/ (JSON is not compiled). */
export const CATALOGUE_DIR = resolve(ROOT_DIR, 'src', 'i18n')

export function loadCatalogue(lang: Lang, dir = CATALOGUE_DIR): Tree {
  return JSON.parse(readFileSync(resolve(dir, `${lang}.json`), 'utf8')) as Tree
}

/** Flattens `{ a: { b: 'x' } }` to `{ 'a.b': 'x' }`. */
export function flatten(tree: Tree, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === 'string') out.set(key, v)
    else flatten(v, key, out)
  }
  return out
}

const catalogues = new Map<Lang, Map<string, string>>(LANGS.map((l) => [l, flatten(loadCatalogue(l))]))

export const isLang = (value: unknown): value is Lang => typeof value === 'string' && (LANGS as readonly string[]).includes(value)

/** Whether the key exists (in French, the reference catalogue). */
export const hasKey = (key: string): boolean => catalogues.get(DEFAULT_LANG)?.has(key) ?? false

/**
 * The text for `key` in `lang`, `{name}` placeholders replaced by `params`. A missing key answers
 * the key itself (visible, never a crash); the catalogue test makes sure none is missing.
 */
export function t(lang: Lang, key: string, params?: Record<string, string | number>): string {
  const text = catalogues.get(lang)?.get(key) ?? catalogues.get(DEFAULT_LANG)?.get(key) ?? key
  if (!params) return text
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

/** `?lang=` of a URL, if it names one of the languages. */
export function queryLang(url: string): Lang | undefined {
  const q = url.indexOf('?')
  if (q < 0) return undefined
  const value = new URLSearchParams(url.slice(q + 1)).get('lang')
  return isLang(value) ? value : undefined
}

/** The `bgw_lang` cookie's language, if any. */
export function cookieLang(cookieHeader: string | undefined): Lang | undefined {
  if (!cookieHeader) return undefined
  for (const part of cookieHeader.split(';')) {
    const [name, value] = part.trim().split('=')
    if (name === LANG_COOKIE && isLang(value)) return value
  }
  return undefined
}

/** The best of our languages in an Accept-Language header (highest q, then order), if any. */
export function acceptLang(header: string | undefined): Lang | undefined {
  if (!header) return undefined
  let best: { lang: Lang; q: number } | undefined
  for (const item of header.split(',')) {
    const [tag, ...params] = item.trim().split(';')
    const primary = (tag ?? '').trim().toLowerCase().split('-')[0]
    if (!isLang(primary)) continue
    let q = 1
    for (const p of params) {
      const m = /^\s*q\s*=(.*)$/i.exec(p)
      // A q that is not a number makes the entry unacceptable rather than preferred.
      if (m) q = /^\s*[01](?:\.\d{0,3})?\s*$/.test(m[1] as string) ? Number(m[1]) : 0
    }
    if (!(q > 0)) continue
    if (!best || q > best.q) best = { lang: primary, q }
  }
  return best?.lang
}

/** The page's language: `?lang=`, then the cookie, then Accept-Language, else French. */
export function negotiateLang(request: Pick<FastifyRequest, 'url' | 'headers'>): Lang {
  const header = request.headers['accept-language']
  return queryLang(request.url) ?? cookieLang(request.headers.cookie) ?? acceptLang(Array.isArray(header) ? header.join(',') : header) ?? DEFAULT_LANG
}

/** Keeps the user's choice for every page of the environment (sendHtml calls it when `?lang=` is given). */
export function rememberLang(reply: FastifyReply, env: string, lang: Lang): void {
  // The env may come from a path no route matched: never let it shape the cookie's attributes.
  if (!/^[\w-]{1,64}$/.test(env)) return
  reply.header('set-cookie', `${LANG_COOKIE}=${lang}; Path=/${env}; Max-Age=${LANG_COOKIE_MAX_AGE_S}; SameSite=Lax`)
}

export interface Formats {
  /** 207237 → "207 237" (fr-BE), "207.237" (nl-BE), "207,237" (en-GB); at most `maxFractionDigits` decimals (default 0). */
  number(n: number, maxFractionDigits?: number): string
  /** 0.0704 → "7,04 %" (fr-BE, nl-BE), "7.04%" (en-GB); `digits` decimals (default 2); null → "–". */
  percent(ratio: number | null | undefined, digits?: number): string
  /** A calendar date in the locale, Brussels time: "01/12/2026". */
  date(d: string | Date): string
  /** Date and time in the locale, Brussels time: "01/12/2026 11:00". */
  dateTime(d: string | Date): string
}

const TIME_ZONE = 'Europe/Brussels'
const NBSP = '\u00a0'
const formats = new Map<Lang, Formats>()

function makeFormats(lang: Lang): Formats {
  const locale = LOCALES[lang]
  const numbers = new Map<number, Intl.NumberFormat>()
  const numberFormat = (digits: number, min = 0) => {
    const key = digits * 10 + min
    let f = numbers.get(key)
    if (!f) numbers.set(key, (f = new Intl.NumberFormat(locale, { minimumFractionDigits: min, maximumFractionDigits: digits })))
    return f
  }
  const dateFormat = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: TIME_ZONE })
  const dateTimeFormat = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: TIME_ZONE })
  const asDate = (d: string | Date) => (d instanceof Date ? d : new Date(d))
  const when = (f: Intl.DateTimeFormat, d: string | Date) => {
    const date = asDate(d)
    return Number.isNaN(date.getTime()) ? String(d) : f.format(date).replace(',', '')
  }
  return {
    number: (n, maxFractionDigits = 0) => numberFormat(maxFractionDigits).format(n),
    percent: (ratio, digits = 2) => {
      if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '–'
      const value = numberFormat(digits, digits).format(ratio * 100)
      // The Belgian style writes a (non-breaking) space before the sign in both languages; English does not.
      return lang === 'en' ? `${value}%` : `${value}${NBSP}%`
    },
    date: (d) => when(dateFormat, d),
    dateTime: (d) => when(dateTimeFormat, d),
  }
}

/** Number, percent and date formats of a language (Intl with LOCALES). */
export function fmt(lang: Lang): Formats {
  let f = formats.get(lang)
  if (!f) formats.set(lang, (f = makeFormats(lang)))
  return f
}

const labelOr = (lang: Lang, key: string, fallback: string) => (hasKey(key) ? t(lang, key) : fallback)

/** A flow's name (`flows.<FLOW>`), else the flow itself. */
export const flowLabel = (lang: Lang, flow: string): string => labelOr(lang, `flows.${flow}`, flow)

/** A blinker's or a feedback message's status (`statuses.<STATUS>`), else the status itself. */
export const statusLabel = (lang: Lang, status: string): string => labelOr(lang, `statuses.${status}`, status)

/** A feedback code's label from the code catalogue (schemas/feedback-codes.json), else "code {code}". */
export function codeLabel(lang: Lang, code: number): string {
  return feedbackCode(code)?.labels[lang] ?? t(lang, 'codes.unknown', { code })
}
