/**
 * Fault suite, inside `npm test` (small): 20 worker SIGKILLs in the middle of forwards, with
 * appendfsync always. Nothing acknowledged may be lost, nothing may take effect twice.
 * The full version is `npm run test:faults` (tests/faults/full.fault.ts).
 */
import t from 'tap'
import { workerKills } from './scenarios.js'

t.test('20 worker SIGKILLs mid-job: every 202 forwarded or dead-lettered, each effect once', async (t) => {
  const row = await workerKills('always', { kills: 20, messages: 3000 })
  t.comment(JSON.stringify({ ...row, lostIds: row.lostIds.slice(0, 5) }))
  t.ok(row.faults >= 20, `${row.faults} worker kills`)
  t.ok(Number(row.observed.backOfficeCallsInFlightAtKills) > 0, 'kills hit forwards in progress')
  t.ok(row.acknowledged > 100, `${row.acknowledged} messages acknowledged`)
  t.ok(row.idle, 'the system settled')
  t.equal(row.lost, 0, 'nothing acknowledged is lost')
  t.equal(row.duplicateEffects, 0, 'no message took effect twice')
  t.equal(row.refusedButForwarded, 0, 'nothing refused was forwarded')
  t.equal(row.forwarded + row.deadLettered, row.acknowledged, 'every 202 accounted for')
})
