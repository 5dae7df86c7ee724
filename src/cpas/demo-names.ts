/**
 * Names in both languages for the demo CPAS (the demo plan gives one name, "CPAS de X" or
 * "OCMW X"): the other language's form is derived, so no demo CPAS shows a blank or a number.
 */
import type { CpasNamesInput } from './cpas-directory.js'

export function demoCpasNames(cpas: readonly { kbo: string; name: string }[]): CpasNamesInput[] {
  return cpas.map(({ kbo, name }) => {
    const fr = /^CPAS de (.+)$/.exec(name)?.[1]
    const nl = /^OCMW (.+)$/.exec(name)?.[1]
    const town = fr ?? nl ?? name
    return { kbo, nameFr: fr ? name : `CPAS de ${town}`, nameNl: nl ? name : `OCMW ${town}` }
  })
}
