/**
 * The three catalogues stay in step: the same keys in fr, nl and en, no empty text, the same
 * placeholders in every language, every area's namespace present, and every catalogue key the
 * sources name as a literal (t(lang, 'ns.key'), sendErrorPage(…, 'errors.x'), messageKey: 'ns.key')
 * exists. A key built at run time (`flows.${flow}`) is covered by the label tests instead.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import t from 'tap'
import { FLOWS, BLINKER_STATUSES, FEEDBACK_STATUSES, REGIMES } from '../../src/domain/model.js'
import { CATALOGUE_DIR, flatten, LANGS, loadCatalogue } from '../../src/i18n/index.js'

const ROOT = resolve(import.meta.dirname, '../..')
const NAMESPACES = ['common', 'dashboard', 'errors', 'flows', 'statuses', 'codes', 'transition', 'login', 'account', 'pending', 'cpas', 'exports', 'followUp', 'timeliness', 'barometer'] as const

const flat = new Map(LANGS.map((l) => [l, flatten(loadCatalogue(l))]))
const fr = flat.get('fr') as Map<string, string>
const placeholders = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string))].sort()

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sources(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

/** Every quoted 'namespace.key' literal of the sources (keys end with a letter or digit, not a dot). */
function keyLiterals(text: string): string[] {
  const re = new RegExp(`['"\`]((?:${NAMESPACES.join('|')})\\.[A-Za-z0-9_.]*[A-Za-z0-9_])['"\`]`, 'g')
  return [...text.matchAll(re)].map((m) => m[1] as string)
}

t.test('every namespace is there, in every language', async (t) => {
  for (const lang of LANGS) {
    const cat = loadCatalogue(lang)
    for (const ns of NAMESPACES) t.equal(typeof cat[ns], 'object', `${lang}: namespace ${ns}`)
    t.same(Object.keys(cat).filter((k) => !(NAMESPACES as readonly string[]).includes(k)), [], `${lang}: no namespace outside the agreed list`)
  }
  t.equal(CATALOGUE_DIR, resolve(ROOT, 'src/i18n'))
})

t.test('same keys, no empty text, same placeholders', async (t) => {
  for (const lang of LANGS) {
    const cat = flat.get(lang) as Map<string, string>
    t.same([...fr.keys()].filter((k) => !cat.has(k)), [], `no key of fr missing in ${lang}`)
    t.same([...cat.keys()].filter((k) => !fr.has(k)), [], `no key of ${lang} missing in fr`)
    t.same([...cat].filter(([, v]) => v.trim() === '').map(([k]) => k), [], `no empty text in ${lang}`)
    const differing = [...cat].filter(([k, v]) => fr.has(k) && placeholders(v).join() !== placeholders(fr.get(k) as string).join()).map(([k]) => k)
    t.same(differing, [], `the placeholders of ${lang} are those of fr`)
  }
})

t.test('every key named in the sources exists', async (t) => {
  const missing: string[] = []
  let seen = 0
  for (const file of sources(resolve(ROOT, 'src'))) {
    for (const key of keyLiterals(readFileSync(file, 'utf8'))) {
      seen++
      if (!fr.has(key)) missing.push(`${file.slice(ROOT.length + 1)}: ${key}`)
    }
  }
  t.ok(seen > 50, `the scan finds the sources' keys (${seen})`)
  t.same(missing, [], 'no key used in src/ is missing from the catalogues')
  t.same(keyLiterals(`t(l, 'dashboard.title') t(l, 'dashboard.col.') "errors.notFound" 'other.key'`), ['dashboard.title', 'errors.notFound'], 'the scan itself')
})

t.test('every flow, status and regime has its label', async (t) => {
  for (const flow of FLOWS) t.ok(fr.has(`flows.${flow}`), flow)
  for (const status of [...BLINKER_STATUSES, ...FEEDBACK_STATUSES]) t.ok(fr.has(`statuses.${status}`), status)
  for (const regime of [...REGIMES, 'ALL']) t.ok(fr.has(`dashboard.regime.${regime}`) && fr.has(`dashboard.regimeShort.${regime}`), regime)
})
