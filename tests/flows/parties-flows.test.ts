/**
 * `acceptedFlows` in the parties file: the default (the eight v1 flows), the demo parties, and a
 * start refused with a clear message for an unknown flow, a code of the wrong shape, a list
 * without the v1 flows, or a party that is not a software house.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { loadConfig } from '../../src/config.js'
import { FLOWS } from '../../src/domain/model.js'
import { createGateway } from '../../src/gateway.js'
import { demoPartiesFile, hashToken, loadParties } from '../../src/parties/parties.js'
import { testRedisUrl } from '../helpers/redis.js'

const dir = mkdtempSync(join(tmpdir(), 'bgw-flows-'))
let n = 0
const write = (data: unknown): string => {
  const path = join(dir, `parties-${++n}.json`)
  writeFileSync(path, JSON.stringify(data))
  return path
}
const house = (acceptedFlows?: string[]) => ({
  acceptance: { parties: [{ id: 'house', role: 'software-house', tokenSha256: [hashToken('house-token')], cpas: ['0212344876'], ...(acceptedFlows ? { acceptedFlows } : {}) }] },
})
const accepted = (path: string) => [...(loadParties(path, ['acceptance']).environments.get('acceptance')?.parties.get('house')?.acceptedFlows ?? [])]

t.test('default and declared acceptedFlows', async (t) => {
  t.same(accepted(write(house())), [...FLOWS], 'nothing said: the eight v1 flows')
  t.same(accepted(write(house([...FLOWS, 'DETENTION', 'GUARANTORS']))).sort(), [...FLOWS, 'DETENTION', 'GUARANTORS'].sort(), 'v1 plus two announced flows')
  const demo = loadParties(undefined, ['acceptance', 'production'])
  for (const env of ['acceptance', 'production'] as const) {
    const parties = demo.environments.get(env)?.parties
    t.same([...(parties?.get('alpha')?.acceptedFlows ?? [])].sort(), [...FLOWS, 'WORK_INCAPACITY'].sort(), `${env}: demo alpha has opted in to WORK_INCAPACITY`)
    t.same([...(parties?.get('beta')?.acceptedFlows ?? [])], [...FLOWS], `${env}: demo beta receives the v1 flows`)
    t.equal(parties?.get('publisher')?.acceptedFlows, undefined, 'a publisher accepts no flows')
  }
})

t.test('a bad acceptedFlows refuses the start with a clear message', async (t) => {
  t.throws(() => loadParties(write(house([...FLOWS, 'SALARY'])), ['acceptance']), { name: 'PartiesError', message: /party house accepts SALARY, not in the flow catalogue \(schemas\/flows\.json: FAMILY_ALLOWANCES, .*GUARANTORS\)/ })
  t.throws(() => loadParties(write(house([...FLOWS, 'detention'])), ['acceptance']), { name: 'PartiesError', message: /acceptedFlows.*pattern|pattern.*acceptedFlows/s }, 'a code of the wrong shape: the schema says where')
  t.throws(() => loadParties(write(house([...FLOWS.filter((f) => f !== 'PENSION'), 'DETENTION'])), ['acceptance']), { name: 'PartiesError', message: /acceptedFlows must include the eight v1 flows .*missing PENSION/ })
  t.throws(() => loadParties(write(house([...FLOWS, 'PENSION'])), ['acceptance']), { name: 'PartiesError', message: /acceptedFlows/ }, 'a flow listed twice')
  const publisher = { acceptance: { parties: [{ id: 'pub', role: 'publisher', tokenSha256: [hashToken('pub-token')], acceptedFlows: [...FLOWS] }] } }
  t.throws(() => loadParties(write(publisher), ['acceptance']), { name: 'PartiesError', message: /party pub is a publisher; only software houses declare acceptedFlows/ })

  // The gateway itself does not start on such a file (server.ts prints the message and exits 2).
  const demo = demoPartiesFile()
  const beta = demo.acceptance?.parties.find((p) => p.id === 'beta')
  if (beta) beta.acceptedFlows = [...FLOWS, 'PRISON']
  const config = loadConfig({ LOG_LEVEL: 'silent', KEY_PREFIX: `tflows${process.pid}`, PARTIES_FILE: write(demo), MAX_EVENT_LOOP_DELAY_MS: '0' })
  await t.rejects(createGateway(config, { redisUrl: testRedisUrl(), workers: false }), { name: 'PartiesError', message: /acceptance: party beta accepts PRISON, not in the flow catalogue/ })
})
