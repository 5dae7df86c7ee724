/**
 * The small pure parts: merging the mailbox and transition streams by id, reading the held-blinker
 * counters for one period, and which software house accepts which flow.
 */
import t from 'tap'
import { FLOWS } from '../../src/domain/model.js'
import { acceptsFlow, notAcceptedIn } from '../../src/flows/flow-acceptance.js'
import type { Party } from '../../src/parties/parties.js'
import { compareStreamIds, mergeById } from '../../src/transition/transition-list.js'

t.test('stream ids merge in numeric order, the mailbox first on a tie', async (t) => {
  t.ok(compareStreamIds('9-0', '10-0') < 0, 'ms compared as numbers')
  t.ok(compareStreamIds('5-9', '5-10') < 0, 'then seq as numbers')
  t.equal(compareStreamIds('5-1', '5-1'), 0)
  const e = (id: string, blinker: string): [string, string[]] => [id, ['id', blinker]]
  const mailbox = [e('9-0', 'a'), e('10-0', 'b'), e('12-3', 'c')]
  const held = [e('9-1', 'x'), e('12-3', 'y'), e('100-0', 'z')]
  t.same(mergeById(mailbox, held).map(([, f]) => f[1]), ['a', 'x', 'b', 'c', 'y', 'z'])
  t.same(mergeById(mailbox, []).map(([, f]) => f[1]), ['a', 'b', 'c'])
  t.same(mergeById([], held).map(([, f]) => f[1]), ['x', 'y', 'z'])
})

t.test('held counts of a period, largest flow first', async (t) => {
  const counts = { total: 6, perPeriod: new Map([['2026', new Map([['GUARANTORS', 1], ['DETENTION', 4]])], ['2025', new Map([['DETENTION', 1]])]]) }
  t.same(notAcceptedIn(counts, '2026'), { count: 5, flows: [{ flow: 'DETENTION', count: 4 }, { flow: 'GUARANTORS', count: 1 }] })
  t.same(notAcceptedIn(counts, '2024'), { count: 0, flows: [] })
  t.same(notAcceptedIn(counts, undefined), { count: 0, flows: [] })
})

t.test('acceptsFlow', async (t) => {
  const base: Party = { id: 'h', role: 'software-house', env: 'acceptance', cpas: new Set() }
  t.ok(acceptsFlow(undefined, 'DETENTION'), 'no software house: the mailbox is the Excel list, nothing to hold')
  for (const f of FLOWS) t.ok(acceptsFlow(base, f), `${f}: v1 by default`)
  t.notOk(acceptsFlow(base, 'DETENTION'), 'an announced flow: not by default')
  t.ok(acceptsFlow({ ...base, acceptedFlows: new Set([...FLOWS, 'DETENTION']) }, 'DETENTION'), 'once opted in')
})
