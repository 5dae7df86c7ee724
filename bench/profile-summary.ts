/**
 * `node dist/bench/profile-summary.js bench/profiles/X.cpuprofile [top]`: where a --cpu-prof
 * profile's time goes, as self time per function and per module (a node_modules package, a
 * gateway source file, or node's internals). Used for the analysis in BENCHMARKS.md; open the
 * same file in Chrome DevTools or speedscope for the flame graph.
 */
import { readFileSync } from 'node:fs'
import { isMain } from './lib/main.js'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples?: number[]
}

/** Which module a script URL belongs to: `pkg:<name>`, `gw:<path>` or `node:<internal>`. */
export function moduleOf(url: string): string {
  if (!url) return '(native / idle / gc)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg) return `pkg:${pkg[1]}`
  const own = /\/dist\/(src\/.+|bench\/.+)$/.exec(url)
  if (own) return `gw:${own[1]}`
  return url.startsWith('node:') ? url : `other:${url.split('/').slice(-2).join('/')}`
}

export interface Share {
  name: string
  ms: number
  percent: number
}

/** Shares are of the busy time: idle samples (waiting for I/O) are counted apart in idleMs. */
export function summarizeProfile(profile: Profile, top = 25): { totalMs: number; idleMs: number; byFunction: Share[]; byModule: Share[] } {
  const all = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (n.hitCount ?? 0), 0)
  const samples = all - idle || 1
  const totalMs = (profile.endTime - profile.startTime) / 1000
  const perHit = totalMs / all
  const fn = new Map<string, number>()
  const mod = new Map<string, number>()
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0
    if (!hits || n.callFrame.functionName === '(idle)') continue
    const f = n.callFrame
    const key = `${f.functionName || '(anonymous)'} ${moduleOf(f.url)}:${f.lineNumber + 1}`
    fn.set(key, (fn.get(key) ?? 0) + hits)
    const m = f.url ? moduleOf(f.url) : f.functionName === '(garbage collector)' ? '(gc)' : `(${f.functionName || 'native'})`
    mod.set(m, (mod.get(m) ?? 0) + hits)
  }
  const shares = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, hits]) => ({ name, ms: Math.round(hits * perHit), percent: Math.round((hits / samples) * 1000) / 10 }))
  return { totalMs, idleMs: Math.round(idle * perHit), byFunction: shares(fn), byModule: shares(mod) }
}

if (isMain(import.meta.url)) {
  const file = process.argv[2]
  if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top]')
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(process.argv[3] ?? 25))
  console.log(`${file}: ${(s.totalMs / 1000).toFixed(1)} s profiled, ${(s.idleMs / 1000).toFixed(1)} s idle; shares of the busy time\n\nself time by module:`)
  for (const x of s.byModule) console.log(`  ${x.percent.toFixed(1).padStart(5)} %  ${x.name}`)
  console.log('\nself time by function:')
  for (const x of s.byFunction) console.log(`  ${x.percent.toFixed(1).padStart(5)} %  ${x.name}`)
}
