/**
 * The demo data set's plan: ~580 CPAS with their files (denominators) and the number of distinct
 * beneficiaries with a blinker, per regime, chosen so that the statistics reproduce the seed's
 * 2016 figures EXACTLY (seeds/blinkers-review-after-3-years.fr.txt):
 *   law of 1965: 1 876 of 49 194 files with a blinker (3.81 %); DIS: 14 598 of 207 237 (7.04 %);
 *   over the CPAS (both regimes together, see compute.ts): 25 % under 5 %, 50 % under 7 %, 75 %
 *   under 10 %, 31 CPAS with no blinker, one CPAS at 28 %.
 *
 * How: CPAS sizes are log-normal (a few large cities, many small centres). Each CPAS gets a rate
 * band by rank (31 at zero, then 114 / 145 / 145 / 144 CPAS in (0,5 %), [5,7 %), [7,10 %),
 * (10 %, 22 %], and one at exactly 28 %), larger centres tending to lower rates (that is what makes
 * the file-weighted 6.42 % sit under the CPAS median of 7 %). Inside its band a CPAS's position is
 * bent by one exponent found by bisection so the totals land on target; integer rounding is then
 * absorbed one beneficiary at a time by CPAS that stay inside their band. So the band counts — and
 * with them every seed figure — hold by construction, and the test re-checks them through the API.
 */
import { REGIMES, type Regime } from '../domain/model.js'
import { seededRandom } from './seeded-random.js'

export interface DemoCpas {
  kbo: string
  name: string
  files: Record<Regime, number>
  withBlinker: Record<Regime, number>
}

export interface DemoTargets {
  year: number
  cpas: number
  files: Record<Regime, number>
  withBlinker: Record<Regime, number>
  /** CPAS without a single blinker. */
  none: number
  /** The one CPAS at the top, as numerator / denominator of its combined files (28 % = 70 / 250). */
  top: { withBlinker: number; files: Record<Regime, number> }
}

/** The seed's 2016 figures. */
export const SEED_2016: DemoTargets = {
  year: 2016,
  cpas: 580,
  files: { DIS: 207_237, LAW_1965: 49_194 },
  withBlinker: { DIS: 14_598, LAW_1965: 1_876 },
  none: 31,
  top: { withBlinker: 70, files: { DIS: 200, LAW_1965: 50 } },
}

/**
 * A rate band in basis points, compared exactly in integers: lo ≤ rate (lo < rate when loOpen),
 * rate < hi (rate ≤ hi when hiClosed). `from` is where the band's rate curve starts.
 */
interface Band {
  lo: number
  hi: number
  loOpen: boolean
  hiClosed: boolean
  from: number
  count: number
}

// Counts per band for 580 CPAS: 31 + 114 = 145 (25 %) under 5 %, +145 = 290 (50 %) under 7 %,
// +145 = 435 (75 %) under 10 %, then 144 above 10 % and the top one.
function bands(t: DemoTargets): Band[] {
  const quarter = t.cpas / 4
  return [
    { lo: 0, hi: 500, loOpen: true, hiClosed: false, from: 60, count: quarter - t.none },
    { lo: 500, hi: 700, loOpen: false, hiClosed: false, from: 500, count: quarter },
    { lo: 700, hi: 1000, loOpen: false, hiClosed: false, from: 700, count: quarter },
    { lo: 1000, hi: 2200, loOpen: true, hiClosed: true, from: 1000, count: quarter - 1 },
  ]
}

/** Valid enterprise numbers 02xxxxxxNN (mod-97), the demo parties' three CPAS first. */
export function demoKbos(n: number): string[] {
  const out = ['0212344876', '0207151616', '0207017596']
  const taken = new Set(out.map((k) => k.slice(0, 8)))
  for (let x = 2_300_011; out.length < n; x += 1_213) {
    const first8 = String(x).padStart(8, '0')
    if (taken.has(first8)) continue
    out.push(`${first8}${String(97 - (x % 97)).padStart(2, '0')}`)
  }
  return out
}

const SYLLABLES = ['ber', 'mont', 'lin', 'gem', 'hout', 'sart', 'vil', 'dam', 'roe', 'bur', 'chen', 'wez', 'lo', 'ster', 'mar', 'beek', 'dries', 'fon']

function demoName(i: number, rnd: () => number): string {
  const s = (k: number) => SYLLABLES[Math.floor(rnd() * SYLLABLES.length) % SYLLABLES.length] ?? String(k)
  const base = `${s(0)}${s(1)}${i % 3 === 0 ? s(2) : ''}`
  const town = base.charAt(0).toUpperCase() + base.slice(1)
  return i % 2 === 0 ? `CPAS de ${town}` : `OCMW ${town}`
}

/** Splits `total` over weights with a floor per item, summing exactly (largest remainder). */
function apportion(weights: readonly number[], total: number, floor: number): number[] {
  const free = total - floor * weights.length
  if (free < 0) throw new Error('apportion: total below the floors')
  const sum = weights.reduce((a, b) => a + b, 0)
  const raw = weights.map((w) => (w / sum) * free)
  const out = raw.map((r) => floor + Math.floor(r))
  let left = total - out.reduce((a, b) => a + b, 0)
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0])
  for (const [, i] of order) {
    if (left-- <= 0) break
    out[i] = (out[i] as number) + 1
  }
  return out
}

// The integer range of beneficiaries with a blinker that keeps a CPAS of `files` in band (w ≥ 1).
function bounds(b: Band, files: number): [number, number] {
  let min = Math.ceil((b.lo * files) / 10_000)
  if (b.loOpen && min * 10_000 === b.lo * files) min++
  let max = Math.floor((b.hi * files) / 10_000)
  if (!b.hiClosed && max * 10_000 === b.hi * files) max--
  return [Math.max(min, 1), max]
}

/** The plan for one year: deterministic for a seed. */
export function demoPlan(t: DemoTargets = SEED_2016, seed = 2016): DemoCpas[] {
  const rng = seededRandom(seed)
  const n = t.cpas
  const kbos = demoKbos(n)
  const size = kbos.map((_, i) => (i >= 3 && i < 6 ? [40, 24, 16][i - 3] as number : Math.exp(1.1 * rng.gauss())))
  const lawShare = kbos.map(() => 0.15 + 0.2 * rng.next())
  const topIndex = 7
  const others = kbos.map((_, i) => i).filter((i) => i !== topIndex)
  const dis = apportion(others.map((i) => size[i] as number), t.files.DIS - t.top.files.DIS, 40)
  const law = apportion(others.map((i) => (size[i] as number) * (lawShare[i] as number)), t.files.LAW_1965 - t.top.files.LAW_1965, 12)
  const files: Record<Regime, number>[] = []
  others.forEach((i, j) => (files[i] = { DIS: dis[j] as number, LAW_1965: law[j] as number }))
  files[topIndex] = { ...t.top.files }
  const combined = (i: number) => (files[i] as Record<Regime, number>).DIS + (files[i] as Record<Regime, number>).LAW_1965

  // The smallest centres have no blinker; the rest are ranked, larger ones tending to lower rates.
  const bySize = [...others].sort((a, b) => combined(a) - combined(b))
  const zero = new Set(bySize.slice(0, t.none))
  const ranked = others
    .filter((i) => !zero.has(i))
    .map((i) => [i, -Math.log(combined(i)) + 0.9 * rng.gauss()] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([i]) => i)
  const bandOf = new Map<number, { band: Band; p: number }>()
  let r = 0
  for (const band of bands(t)) {
    for (let j = 0; j < band.count; j++) bandOf.set(ranked[r++] as number, { band, p: (j + 0.5) / band.count })
  }
  if (r !== ranked.length) throw new Error(`demo plan: ${ranked.length} ranked CPAS for ${r} band places`)

  const target = t.withBlinker.DIS + t.withBlinker.LAW_1965 - t.top.withBlinker
  const wAt = (gamma: number) => ranked.map((i) => {
    const { band, p } = bandOf.get(i) as { band: Band; p: number }
    const [min, max] = bounds(band, combined(i))
    const rate = (band.from + (band.hi - band.from) * p ** gamma) / 10_000
    return Math.min(max, Math.max(min, Math.round(rate * combined(i))))
  })
  const total = (ws: number[]) => ws.reduce((a, b) => a + b, 0)
  // Larger gamma pushes positions down (lower rates); bisect on log(gamma).
  let lo = Math.log(0.05)
  let hi = Math.log(20)
  for (let k = 0; k < 60; k++) {
    const mid = (lo + hi) / 2
    if (total(wAt(Math.exp(mid))) > target) lo = mid
    else hi = mid
  }
  const w = wAt(Math.exp(hi))
  let delta = target - total(w)
  // Absorb the rounding, largest centres first (a unit moves their rate least), staying in band.
  const order = ranked.map((i, j) => [i, j] as const).sort((a, b) => combined(b[0]) - combined(a[0]))
  for (let pass = 0; delta !== 0 && pass < 1000; pass++) {
    for (const [i, j] of order) {
      if (delta === 0) break
      const [min, max] = bounds((bandOf.get(i) as { band: Band }).band, combined(i))
      const next = (w[j] as number) + Math.sign(delta)
      if (next >= min && next <= max) {
        w[j] = next
        delta -= Math.sign(delta)
      }
    }
  }
  if (delta !== 0) throw new Error(`demo plan: cannot reach the target totals (${delta} left)`)

  const withBlinker: Record<Regime, number>[] = kbos.map(() => ({ DIS: 0, LAW_1965: 0 }))
  const lawRelativeRate = t.withBlinker.LAW_1965 / t.files.LAW_1965 / (t.withBlinker.DIS / t.files.DIS)
  const split = (i: number, total: number) => {
    const f = files[i] as Record<Regime, number>
    const wl = Math.min(f.LAW_1965, total, Math.round((total * lawRelativeRate * f.LAW_1965) / (lawRelativeRate * f.LAW_1965 + f.DIS)))
    withBlinker[i] = { DIS: total - wl, LAW_1965: wl }
  }
  ranked.forEach((i, j) => split(i, w[j] as number))
  split(topIndex, t.top.withBlinker)
  // Regime totals: move single beneficiaries between a CPAS's two regimes (its combined rate stays).
  let lawDelta = t.withBlinker.LAW_1965 - withBlinker.reduce((a, x) => a + x.LAW_1965, 0)
  for (let pass = 0; lawDelta !== 0 && pass < 1000; pass++) {
    for (const i of order.map(([i]) => i)) {
      if (lawDelta === 0) break
      const f = files[i] as Record<Regime, number>
      const x = withBlinker[i] as Record<Regime, number>
      const s = Math.sign(lawDelta)
      if (x.LAW_1965 + s >= 0 && x.LAW_1965 + s <= f.LAW_1965 && x.DIS - s >= 0 && x.DIS - s <= f.DIS) {
        x.LAW_1965 += s
        x.DIS -= s
        lawDelta -= s
      }
    }
  }
  if (lawDelta !== 0) throw new Error(`demo plan: cannot split the regimes (${lawDelta} left)`)

  const nameRng = seededRandom(seed + 1)
  return kbos.map((kbo, i) => ({
    kbo,
    name: i < 3 ? (['CPAS de Démoville', 'OCMW Voorbeeldstad', 'CPAS de Testbourg'][i] as string) : demoName(i, nameRng.next),
    files: files[i] as Record<Regime, number>,
    withBlinker: withBlinker[i] as Record<Regime, number>,
  }))
}

/**
 * Another year for the trend chart: the same CPAS with their counts scaled (files by `filesFactor`,
 * beneficiaries with a blinker by `rateFactor` on top), bounded by the files.
 */
export function scaledPlan(base: readonly DemoCpas[], filesFactor: number, rateFactor: number): DemoCpas[] {
  return base.map((c) => {
    const files = {} as Record<Regime, number>
    const withBlinker = {} as Record<Regime, number>
    for (const regime of REGIMES) {
      files[regime] = Math.max(1, Math.round(c.files[regime] * filesFactor))
      withBlinker[regime] = Math.min(files[regime], Math.round(c.withBlinker[regime] * filesFactor * rateFactor))
    }
    return { ...c, files, withBlinker }
  })
}
