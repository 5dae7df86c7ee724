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
  timeDeltas?: number[]
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

/**
 * Time per node, µs. With samples and timeDeltas (what --cpu-prof writes), each sample counts for
 * the interval to the next one, as DevTools does: V8's samples are not evenly spaced, and counting
 * them alone once put an ioredis function at 17 % of the busy time where its time was 4.6 %.
 * Without them, hitCount × the mean interval.
 */
function timePerNode(profile: Profile): Map<number, number> {
  const time = new Map<number, number>()
  const { samples, timeDeltas } = profile
  if (samples?.length && timeDeltas?.length === samples.length) {
    for (let i = 0; i < samples.length; i++) {
      const id = samples[i] as number
      time.set(id, (time.get(id) ?? 0) + (timeDeltas[i + 1] ?? 0))
    }
    return time
  }
  const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1
  const perHit = (profile.endTime - profile.startTime) / hits
  for (const n of profile.nodes) if (n.hitCount) time.set(n.id, n.hitCount * perHit)
  return time
}

/** Shares are of the busy time: idle time (waiting for I/O) is counted apart in idleMs. */
export function summarizeProfile(profile: Profile, top = 25): { totalMs: number; idleMs: number; byFunction: Share[]; byModule: Share[] } {
  const time = timePerNode(profile)
  const totalMs = (profile.endTime - profile.startTime) / 1000
  let idle = 0
  let busy = 0
  const fn = new Map<string, number>()
  const mod = new Map<string, number>()
  for (const n of profile.nodes) {
    const us = time.get(n.id) ?? 0
    if (!us) continue
    if (n.callFrame.functionName === '(idle)') {
      idle += us
      continue
    }
    busy += us
    const f = n.callFrame
    const key = `${f.functionName || '(anonymous)'} ${moduleOf(f.url)}:${f.lineNumber + 1}`
    fn.set(key, (fn.get(key) ?? 0) + us)
    const m = f.url ? moduleOf(f.url) : f.functionName === '(garbage collector)' ? '(gc)' : `(${f.functionName || 'native'})`
    mod.set(m, (mod.get(m) ?? 0) + us)
  }
  const shares = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: Math.round((us / (busy || 1)) * 1000) / 10 }))
  return { totalMs, idleMs: Math.round(idle / 1000), byFunction: shares(fn), byModule: shares(mod) }
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
