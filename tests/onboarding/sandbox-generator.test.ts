/**
 * The sandbox generator, as a property: whatever the random source, flows and date, every
 * generated blinker is valid against blinker.schema.json (checksums included), its id is in the
 * reserved range, and its NISS follows the rule of its kind.
 */
import fc from 'fast-check'
import t from 'tap'
import { isValidKbo, isValidNiss } from '../../src/domain/identifiers.js'
import { FLOWS } from '../../src/domain/model.js'
import { generateBlinkers, randomKbo, randomNiss, SANDBOX_ID, sandboxBlinkerId } from '../../src/onboarding/sandbox-generator.js'
import { validateMessage } from '../../src/validation/validate-message.js'

/** A deterministic [0, 1) source from a seed (Park–Miller). */
const seeded = (seed: number) => {
  let s = (seed % 2147483646) + 1
  return () => (s = (s * 16807) % 2147483647) / 2147483647
}

t.test('every generated blinker is valid, whatever the seed, flows and date', async (t) => {
  let checked = 0
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 - 2 }),
      fc.uniqueArray(fc.constantFrom(...FLOWS), { minLength: 1, maxLength: FLOWS.length }),
      fc.date({ min: new Date('2001-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
      fc.integer({ min: 1, max: 12 }),
      (seed, flows, now, count) => {
        const seqs = Array.from({ length: count }, (_, i) => i + 1)
        const blinkers = generateBlinkers({ cpasKbo: '0212344876', seqs, flows, random: seeded(seed), now })
        for (const [i, b] of blinkers.entries()) {
          const errors = validateMessage('blinker', b)
          if (errors.length > 0) throw new Error(`${JSON.stringify(b)}: ${JSON.stringify(errors)}`)
          if (!SANDBOX_ID.test(b.blinkerId)) throw new Error(`${b.blinkerId} outside the sandbox range`)
          if (b.flow !== flows[i % flows.length]) throw new Error('flows are not taken in turn')
          checked++
        }
      },
    ),
    { numRuns: 200 },
  )
  t.ok(checked >= 200, `${checked} blinkers checked`)
})

t.test('identifiers of each kind', async (t) => {
  const random = seeded(7)
  for (let i = 0; i < 200; i++) {
    const born2000 = randomNiss(random, 'born-2000s')
    t.ok(isValidNiss(born2000) && Number(born2000.slice(0, 2)) <= 7, born2000)
    const bis = randomNiss(random, 'bis')
    t.ok(isValidNiss(bis) && Number(bis.slice(2, 4)) > 20, bis)
    t.ok(isValidNiss(randomNiss(random, 'born-1900s')))
    t.ok(isValidKbo(randomKbo(random)))
  }
  t.equal(sandboxBlinkerId(2026, 1), 'CLI-2026-900000001')
  t.equal(sandboxBlinkerId(2026, 100_000_001), 'CLI-2026-900000001', 'wraps inside the range')
  const defaults = generateBlinkers({ cpasKbo: '0212344876', seqs: [1, 2] })
  t.equal(defaults[1]?.flow, FLOWS[1], 'default flows: all, in order')
})
