/**
 * Identifier checks of contract section 2. Used as ajv formats (JSON), after XSD validation
 * (XML) and in path parameters, so every entry judges an identifier the same way.
 */

const mod97 = (digits: string): number => Number(BigInt(digits) % 97n)

/** Enterprise number (KBO/BCE) of a CPAS or employer: 10 digits, first 0 or 1, mod-97 check. */
export function isValidKbo(value: string): boolean {
  if (!/^[01][0-9]{9}$/.test(value)) return false
  return 97 - mod97(value.slice(0, 8)) === Number(value.slice(8))
}

/**
 * National register number: YYMMDDSSSCC. The check digits follow either the 1900s rule or the
 * 2000s rule (2 prepended); bis numbers (month + 20 or + 40) use the same rules.
 */
export function isValidNiss(value: string): boolean {
  if (!/^[0-9]{11}$/.test(value)) return false
  const rawMonth = Number(value.slice(2, 4))
  const month = rawMonth >= 40 ? rawMonth - 40 : rawMonth >= 20 ? rawMonth - 20 : rawMonth
  const day = Number(value.slice(4, 6))
  // Month 0 / day 0 are allowed: the register issues them when the birth date is unknown.
  if (rawMonth > 52 || month > 12 || day > 31) return false
  const base = value.slice(0, 9)
  const check = Number(value.slice(9))
  return 97 - mod97(base) === check || 97 - mod97(`2${base}`) === check
}

export const BLINKER_ID = /^CLI-[0-9]{4}-[0-9]{9}$/
export const isValidBlinkerId = (value: string): boolean => BLINKER_ID.test(value)

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isValidMessageId = (value: string): boolean => UUID.test(value)

/** messageIds are case-insensitive (RFC 9562): the store keys them in lower case. */
export const normalizeMessageId = (value: string): string => value.toLowerCase()
