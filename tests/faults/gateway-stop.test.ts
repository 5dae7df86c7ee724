/**
 * Fault suite, inside `npm test` (small): SIGTERM and then SIGKILL of the gateway process under
 * load, and duplicate floods (one messageId 100 times at once, two spellings, plus other content).
 * Full version: `npm run test:faults`.
 */
import t from 'tap'
import { duplicateFlood, gatewayStop } from './scenarios.js'

t.test('SIGTERM then SIGKILL of the gateway under load: every 202 ends forwarded', async (t) => {
  const row = await gatewayStop('always', { rounds: 1, messages: 3000 })
  t.comment(JSON.stringify({ ...row, lostIds: row.lostIds.slice(0, 5) }))
  const exits = row.observed.exits as { signal: string; code: number | null }[]
  t.equal(row.faults, 2)
  t.equal(exits.find((e) => e.signal === 'SIGTERM')?.code, 0, 'SIGTERM: the gateway drains and exits 0')
  t.ok(row.acknowledged > 50, `${row.acknowledged} messages acknowledged`)
  t.ok(row.idle, 'the system settled')
  t.equal(row.lost, 0, 'nothing acknowledged is lost')
  t.equal(row.duplicateEffects, 0, 'no message took effect twice')
  t.equal(row.refusedButForwarded, 0, 'nothing refused was forwarded')
})

t.test('duplicate floods: one receipt, one effect, other content 409', async (t) => {
  const row = await duplicateFlood('always', { ids: 3, copies: 100 })
  const floods = row.observed.floods as { sameReceipt: boolean; oneWinner: boolean; losersConflict: boolean; forwardedWinner: boolean }[]
  t.equal(row.requests, 3 * 105)
  t.equal(row.acknowledged, 3)
  for (const [i, f] of floods.entries()) t.same(f, { sameReceipt: true, oneWinner: true, losersConflict: true, forwardedWinner: true }, `flood ${i + 1}`)
  t.equal(row.forwarded, 3, 'each message forwarded')
  t.equal(row.lost, 0)
  t.equal(row.duplicateEffects, 0, 'exactly one effect per message')
})
