/**
 * Fault suite, inside `npm test` (small): one round of back-office failures (500, 503, slower than
 * the timeout, reset mid-response, down) with some messages refused for good, and one Redis
 * kill -9 + restart with appendfsync everysec. Full version: `npm run test:faults`.
 */
import t from 'tap'
import { backOfficeOutage, redisRestart } from './scenarios.js'

t.test('back office failing every way, then recovering: every 202 forwarded once or dead-lettered', async (t) => {
  const row = await backOfficeOutage('always', { rounds: 1, phaseMs: 1000, messages: 1500 })
  t.comment(JSON.stringify({ ...row, lostIds: row.lostIds.slice(0, 5) }))
  t.equal(row.faults, 5, '500, 503, slow, reset and down, once each')
  t.ok(row.acknowledged > 50, `${row.acknowledged} messages acknowledged`)
  t.ok(row.idle, 'the system settled')
  t.equal(row.lost, 0, 'nothing acknowledged is lost')
  t.equal(row.duplicateEffects, 0, 'no message took effect twice')
  t.equal(row.deadLettered, row.observed.refusedByBackOffice, 'exactly the messages the back office refused are dead-lettered')
  t.equal(row.forwarded + row.deadLettered, row.acknowledged, 'every 202 accounted for')
  t.ok(row.redeliveries > 0, 'slow and reset answers were retried under the same Idempotency-Key and absorbed')
})

t.test('Redis kill -9 and restart under traffic: 503 while down, never 202, recovery by itself', async (t) => {
  const row = await redisRestart('everysec', { kills: 1, downMs: 1500, messages: 1500 })
  t.comment(JSON.stringify({ ...row, lostIds: row.lostIds.slice(0, 5) }))
  const o = row.observed as { answersWhileDown: number; storeUnavailableWhileDown: number; otherWhileDown: string[]; recoveryMs: number[]; gatewayAlive: boolean; workersAlive: boolean }
  t.equal(row.faults, 1)
  t.ok(o.answersWhileDown > 0, `${o.answersWhileDown} requests answered while Redis was down`)
  t.equal(row.acksWhileDown, 0, 'no 202 while Redis was down')
  t.equal(o.storeUnavailableWhileDown, o.answersWhileDown, `all of them 503 GW_ERR_STORE_UNAVAILABLE (others: ${o.otherWhileDown.join(', ')})`)
  t.ok(o.recoveryMs.every((ms) => ms < 30_000), `the same gateway process took messages again ${o.recoveryMs.join(', ')} ms after the restart`)
  t.ok(o.gatewayAlive && o.workersAlive, 'no process died')
  t.ok(row.idle, 'the system settled')
  t.equal(row.lost, 0, 'nothing acknowledged is lost (a process kill keeps what Redis wrote to the AOF)')
  t.equal(row.duplicateEffects, 0, 'no message took effect twice')
  t.equal(row.refusedButForwarded, 0, 'nothing answered 503 was forwarded')
})
