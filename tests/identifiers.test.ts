import t from 'tap'
import { isValidBlinkerId, isValidKbo, isValidMessageId, isValidNiss, normalizeMessageId } from '../src/domain/identifiers.js'

t.test('kbo: contract examples and the mod-97 rule', async (t) => {
  for (const kbo of ['0212344876', '0207151616', '0207017596']) t.ok(isValidKbo(kbo), kbo)
  t.notOk(isValidKbo('0212344877'), 'wrong check digits')
  t.notOk(isValidKbo('2212344876'), 'first digit must be 0 or 1')
  t.notOk(isValidKbo('212344876'), 'nine digits')
  t.notOk(isValidKbo('02123448760'), 'eleven digits')
  t.notOk(isValidKbo('0212-34487'), 'non-digits')
  t.notOk(isValidKbo(''), 'empty')
})

t.test('niss: 1900s and 2000s rules, bis numbers', async (t) => {
  t.ok(isValidNiss('85073003328'), 'born 1985')
  t.ok(isValidNiss('01020304031'), 'born 2001 (2 prepended)')
  t.notOk(isValidNiss('85073003329'), 'bad check digits')
  // bis number: month + 20 and + 40, check digits recomputed on the whole base
  const bis = (base: string) => base + String(97 - Number(BigInt(base) % 97n)).padStart(2, '0')
  t.ok(isValidNiss(bis('852730033')), 'bis, month + 20')
  t.ok(isValidNiss(bis('854730033')), 'bis, month + 40')
  t.notOk(isValidNiss(bis('853730033')), 'month 37 is neither a month nor a bis month')
  t.notOk(isValidNiss(bis('856030033')), 'month 60 is out of range')
  t.notOk(isValidNiss(bis('851332033')), 'day 32')
  t.notOk(isValidNiss('8507300332'), 'ten digits')
  t.notOk(isValidNiss('8507300332a'), 'letter')
})

t.test('blinkerId and messageId', async (t) => {
  t.ok(isValidBlinkerId('CLI-2026-000000001'))
  t.notOk(isValidBlinkerId('CLI-2026-00000001'), 'eight-digit sequence')
  t.notOk(isValidBlinkerId('cli-2026-000000001'), 'lower case prefix')
  t.ok(isValidMessageId('3F2504E0-4F89-41D3-9A0C-0305E82C3301'), 'upper case UUID')
  t.notOk(isValidMessageId('3F2504E0-4F89-41D3-9A0C-0305E82C330'), 'short UUID')
  t.equal(normalizeMessageId('3F2504E0-4F89-41D3-9A0C-0305E82C3301'), '3f2504e0-4f89-41d3-9a0c-0305e82c3301')
})
