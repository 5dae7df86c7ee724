/**
 * The language of a page (query, then the remembered choice, then Accept-Language with q-values,
 * else French), the locale formats (7,04 % in fr-BE and nl-BE), placeholders, and the labels of
 * flows, statuses and feedback codes.
 */
import Fastify from 'fastify'
import t from 'tap'
import { FLOWS } from '../../src/domain/model.js'
import { acceptLang, codeLabel, cookieLang, DEFAULT_LANG, flowLabel, fmt, hasKey, isLang, LANG_COOKIE, LANGS, LOCALES, negotiateLang, queryLang, rememberLang, statusLabel, t as tr } from '../../src/i18n/index.js'

const req = (url: string, headers: Record<string, string> = {}) => ({ url, headers })
const NBSP = '\u00a0'

t.test('negotiation order: ?lang=, then the cookie, then Accept-Language, else fr', async (t) => {
  t.same(LANGS, ['fr', 'nl', 'en'])
  t.same(LOCALES, { fr: 'fr-BE', nl: 'nl-BE', en: 'en-GB' })
  t.equal(DEFAULT_LANG, 'fr')
  t.equal(negotiateLang(req('/acceptance/dashboard')), 'fr', 'nothing said: French')
  t.equal(negotiateLang(req('/x', { 'accept-language': 'nl-BE,nl;q=0.9,en;q=0.5' })), 'nl')
  t.equal(negotiateLang(req('/x', { 'accept-language': 'nl-BE,nl;q=0.9', cookie: `a=1; ${LANG_COOKIE}=en` })), 'en', 'the remembered choice beats the browser')
  t.equal(negotiateLang(req('/x?period=2016&lang=nl', { 'accept-language': 'en', cookie: `${LANG_COOKIE}=en` })), 'nl', 'the query beats everything')
  t.equal(negotiateLang(req('/x?lang=de', { cookie: `${LANG_COOKIE}=xx`, 'accept-language': 'de, en;q=0.1' })), 'en', 'unknown values are skipped, not errors here')
  t.equal(negotiateLang({ url: '/x', headers: { 'accept-language': ['de', 'nl'] as unknown as string } }), 'nl', 'a repeated header is read as one list')
})

t.test('Accept-Language: q-values, order, zero', async (t) => {
  t.equal(acceptLang(undefined), undefined)
  t.equal(acceptLang(''), undefined)
  t.equal(acceptLang('de-DE, it'), undefined, 'none of ours')
  t.equal(acceptLang('en;q=0.4, fr-BE;q=0.8, nl;q=0.6'), 'fr', 'highest q wins')
  t.equal(acceptLang('en, nl'), 'en', 'equal q: the first')
  t.equal(acceptLang('fr;q=0, nl;q=0.1'), 'nl', 'q=0 means not acceptable')
  t.equal(acceptLang('EN-gb ; q = 0.9'), 'en', 'case and spaces')
  t.equal(acceptLang('*;q=0.5, nl;q=bad'), undefined, 'a broken q is not acceptable, * is none of ours')
  t.equal(queryLang('/p?lang=en&x=1'), 'en')
  t.equal(queryLang('/p?lang=EN'), undefined)
  t.equal(queryLang('/p'), undefined)
  t.equal(cookieLang(undefined), undefined)
  t.equal(cookieLang('bgw_session=abc; bgw_lang=nl'), 'nl')
  t.equal(cookieLang('bgw_lang=de'), undefined)
  t.ok(isLang('fr') && !isLang('de') && !isLang(1))
})

t.test('rememberLang sets the cookie for the whole environment', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  app.get('/acceptance/x', async (_request, reply) => {
    rememberLang(reply, 'acceptance', 'nl')
    return 'ok'
  })
  const res = await app.inject({ method: 'GET', url: '/acceptance/x' })
  t.equal(res.headers['set-cookie'], `${LANG_COOKIE}=nl; Path=/acceptance; Max-Age=31536000; SameSite=Lax`)
  t.equal(negotiateLang(req('/acceptance/y', { cookie: String(res.headers['set-cookie']).split(';')[0] as string })), 'nl', 'read back')
})

t.test('formats: numbers, percent with 2 decimals, dates in the locale', async (t) => {
  t.equal(fmt('fr').percent(0.0704), `7,04${NBSP}%`, '7,04 % in fr-BE')
  t.equal(fmt('nl').percent(0.0704), `7,04${NBSP}%`, '7,04 % in nl-BE')
  t.equal(fmt('en').percent(0.0704), '7.04%', 'en-GB as Intl writes it')
  t.equal(fmt('fr').percent(0.1, 0), `10${NBSP}%`)
  t.equal(fmt('fr').percent(0.05), `5,00${NBSP}%`, 'always the number of decimals asked')
  t.equal(fmt('fr').percent(null), '–')
  t.equal(fmt('nl').percent(undefined), '–')
  t.equal(fmt('en').percent(Number.NaN), '–')
  t.equal(fmt('nl').number(207237), '207.237')
  t.equal(fmt('en').number(207237), '207,237')
  t.match(fmt('fr').number(207237), /^207\s237$/u, 'fr-BE groups with a (narrow) space')
  t.equal(fmt('en').number(12.345, 1), '12.3')
  t.equal(fmt('nl').number(12.345, 1), '12,3')
  t.equal(fmt('fr').date('2026-12-01T23:30:00Z'), '02/12/2026', 'Brussels time: already the next day')
  t.equal(fmt('en').date(new Date('2026-03-05T10:00:00Z')), '05/03/2026')
  t.equal(fmt('nl').dateTime('2026-07-01T10:05:00Z'), '01/07/2026 12:05', 'summer time')
  t.equal(fmt('fr').dateTime('not a date'), 'not a date', 'an unreadable date is shown as it came')
  t.equal(fmt('fr'), fmt('fr'), 'formats are built once per language')
})

t.test('t(): texts, placeholders, missing keys', async (t) => {
  t.equal(tr('fr', 'common.nav.dashboard'), 'Tableau de bord')
  t.equal(tr('nl', 'common.nav.dashboard'), 'Dashboard')
  t.equal(tr('en', 'errors.title', { status: 404 }), 'Error 404')
  t.equal(tr('nl', 'common.loggedInAs', { name: 'Jan' }), 'Aangemeld: Jan')
  t.equal(tr('fr', 'common.loggedInAs'), 'Connecté : {name}', 'no params: the text as it is')
  t.equal(tr('fr', 'common.loggedInAs', { other: 1 }), 'Connecté : {name}', 'an unknown placeholder stays visible')
  t.equal(tr('en', 'no.such.key'), 'no.such.key', 'a missing key shows itself, never a crash')
  t.ok(hasKey('common.appName'))
  t.notOk(hasKey('common'), 'a namespace is not a text')
})

t.test('labels of flows, statuses and codes', async (t) => {
  t.equal(flowLabel('fr', 'FAMILY_ALLOWANCES'), 'Allocations familiales')
  t.equal(flowLabel('nl', 'UNEMPLOYMENT'), 'Werkloosheid')
  t.equal(flowLabel('en', 'PENSION'), 'Pension')
  t.equal(flowLabel('fr', 'SOMETHING_NEW'), 'SOMETHING_NEW', 'an unknown flow shows its code')
  for (const flow of FLOWS) t.not(flowLabel('nl', flow), flow, `${flow} has a Dutch name`)
  t.equal(statusLabel('fr', 'CLOSED'), 'Clôturé')
  t.equal(statusLabel('nl', 'REOPENED'), 'Heropend')
  t.equal(statusLabel('en', 'FORWARDED'), 'Forwarded to the inspection')
  t.equal(statusLabel('en', 'WEIRD'), 'WEIRD')
  t.match(codeLabel('fr', 2), /^Justifié : récupération décidée/)
  t.match(codeLabel('nl', 2), /^Terecht: terugvordering/)
  t.match(codeLabel('en', 999), /./)
  t.equal(codeLabel('nl', 12345), 'code 12345', 'a code outside the catalogue')
})
