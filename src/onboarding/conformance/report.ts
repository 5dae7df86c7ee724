/** The self-check's plain-text report: one line per scenario, totals, and what the gateway recorded (for information). */
import type { RunReport } from './runner.js'

export function formatReport(report: RunReport): string[] {
  const width = Math.max(...report.results.map((r) => r.name.length), 10)
  const lines = [`Conformance run against ${report.target}/acceptance as party ${report.partyId}, CPAS ${report.cpasKbo}${report.soap ? ', REST and SOAP' : ', REST'}`]
  for (const r of report.results) {
    lines.push(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name.padEnd(width)}  ${String(r.durationMs ?? 0).padStart(6)} ms${r.passed ? '' : `  ${r.detail ?? ''}`}`)
  }
  lines.push(`${report.passed} passed, ${report.failed} failed of ${report.results.length} scenarios`)
  if (report.record) {
    const r = report.record
    const why = r.fullPass ? '' : ` (${[r.failed.length ? `failed: ${r.failed.join(', ')}` : '', r.missing.length ? `not run: ${r.missing.join(', ')}` : ''].filter(Boolean).join('; ')})`
    lines.push(`Recorded by the gateway (version ${r.gatewayVersion}) at ${r.receivedAt}: full pass ${r.fullPass ? 'YES' : 'NO'}${why}; self-reported, for information: production opens on a run the gateway judges (--judged)`)
  } else if (report.recordError) {
    lines.push(`NOT recorded: ${report.recordError}`)
  } else {
    lines.push('Not recorded (--no-record)')
  }
  return lines
}
