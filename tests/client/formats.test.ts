/**
 * The client's formats module in an integrator's own ajv (ajv-formats + addBlinkerFormats, nothing
 * of the gateway's validator): every published schema compiles, and it judges KBO and NISS values
 * exactly as the gateway's validator does — checked on values built here with their check digits
 * computed from the rule (97 − n mod 97), then with those digits broken.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsModule from 'ajv-formats'
import t from 'tap'
import { addBlinkerFormats, BLINKER_FORMATS } from '../../src/client/formats.js'
import { schemaValidator } from '../../src/validation/json-schemas.js'

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default
const ajv = addBlinkerFormats(addFormats(new Ajv2020({ allErrors: true })))
for (const f of readdirSync('schemas').filter((x) => x.endsWith('.schema.json'))) ajv.addSchema(JSON.parse(readFileSync(`schemas/${f}`, 'utf8')) as object)

const check = (digits: string, prefix = '') => String(97 - Number(BigInt(`${prefix}${digits}`) % 97n)).padStart(2, '0')
const feedback = (cpasKbo: string) => ({ messageId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', blinkerId: 'CLI-2026-000000001', cpasKbo, code: 2, sentAt: '2026-11-23T10:00:00Z' })

t.test('an own ajv with the module compiles every published schema', async (t) => {
  t.same(Object.keys(BLINKER_FORMATS), ['kbo', 'niss'])
  for (const f of readdirSync('schemas').filter((x) => x.endsWith('.schema.json'))) t.ok(ajv.getSchema(f), f)
})

t.test('KBO: same verdict as the gateway, right and wrong check digits', async (t) => {
  const mine = ajv.getSchema('feedback.schema.json')
  const gateway = schemaValidator('feedback.schema.json')
  let seed = 7
  for (let i = 0; i < 200; i++) {
    seed = (seed * 48271) % 2147483647
    const base = `0${String(seed % 10_000_000).padStart(7, '0')}`
    const right = `${base}${check(base)}`
    const wrong = `${base}${String((Number(check(base)) + 1 + (seed % 50)) % 100).padStart(2, '0')}`
    t.equal(mine?.(feedback(right)), true, `${right} valid`)
    t.equal(mine?.(feedback(wrong)), gateway(feedback(wrong)), `${wrong}: same verdict`)
    t.equal(mine?.(feedback(wrong)), false, `${wrong} invalid`)
  }
})

t.test('NISS: both centuries and bis numbers, same verdict as the gateway', async (t) => {
  const mine = ajv.getSchema('blinker.schema.json')
  const gateway = schemaValidator('blinker.schema.json')
  const blinker = JSON.parse(readFileSync('tests/fixtures/messages/blinker-full.json', 'utf8')) as { beneficiary: { niss: string } }
  const withNiss = (niss: string) => ({ ...blinker, beneficiary: { ...blinker.beneficiary, niss } })
  for (const [base, prefix] of [['850730033', ''], ['050512123', '2'], ['853230033', ''], ['000000001', '']] as const) {
    const right = `${base}${check(base, prefix)}`
    const wrong = `${base}${String((Number(check(base, prefix)) + 1) % 100).padStart(2, '0')}`
    t.equal(mine?.(withNiss(right)), true, `${right} valid`)
    t.equal(gateway(withNiss(right)), true, `${right} valid for the gateway too`)
    t.equal(mine?.(withNiss(wrong)), gateway(withNiss(wrong)), `${wrong}: same verdict`)
  }
})
