/**
 * A CPAS on Excel lists is measured as its own party (`excel:{kbo}`): recap rows rejected at
 * import (real HTTP import of a real .xlsx), and its blinkers' feedback delay. The expected figures
 * are the rows written in the test.
 */
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import t from 'tap'
import { measureParty, measuredParties, type IndicatorValue } from '../../src/barometer/indicators.js'
import { demoPartiesFile } from '../../src/parties/parties.js'
import { demoKbos } from '../../src/statistics/demo-plan.js'
import { blinker, publish } from '../helpers/blinkers.js'
import { auth, startGateway, TOKENS } from '../helpers/gateway.js'

const byId = (values: IndicatorValue[]) => Object.fromEntries(values.map((v) => [v.indicator, v])) as Record<string, IndicatorValue>

t.test('recap rows rejected, per CPAS on Excel lists', async (t) => {
  const excel = demoKbos(4)[3] as string
  const file = demoPartiesFile()
  file.acceptance?.cpas?.push({ kbo: excel, name: 'CPAS on Excel lists (test)' })
  const path = join(tmpdir(), `parties-barometer-${process.pid}.json`)
  writeFileSync(path, JSON.stringify(file))
  const gw = await startGateway(t, { PARTIES_FILE: path })
  const ctx = gw.contexts.get('acceptance')
  if (!ctx) throw new Error('no acceptance context')
  t.ok(measuredParties(ctx).some((p) => p.partyId === `excel:${excel}` && p.kind === 'excelCpas'), 'the Excel-list CPAS is a measured party')

  const bs = [blinker(excel), blinker(excel), blinker(excel), blinker(excel)]
  t.equal((await publish(gw, bs)).statusCode, 202)
  const wb = new ExcelJS.Workbook()
  const sheet = wb.addWorksheet('Blinkers')
  sheet.addRow(['blinkerId', 'cpasKbo', 'code', 'comment'])
  // Three accepted, two rejected (unknown blinker; 999 without its comment), one skipped (no code).
  sheet.addRow([bs[0]?.blinkerId, excel, 1, ''])
  sheet.addRow([bs[1]?.blinkerId, excel, 3, ''])
  sheet.addRow([bs[2]?.blinkerId, excel, 2, ''])
  sheet.addRow(['CLI-2026-999999998', excel, 1, ''])
  sheet.addRow([bs[3]?.blinkerId, excel, 999, ''])
  sheet.addRow([bs[3]?.blinkerId, excel, '', ''])
  const body = Buffer.from(await wb.xlsx.writeBuffer())
  const upload = () => gw.app.inject({ method: 'POST', url: '/acceptance/v1/transition/recap', headers: { ...auth(TOKENS.acceptance.inspection), 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, payload: body })
  const first = await upload()
  t.equal(first.statusCode, 200, first.body)
  t.match(first.json(), { accepted: 3, rejected: 2, skipped: 1 })
  const window = { start: `${new Date().getUTCFullYear() - 1}-01-01`, end: `${new Date().getUTCFullYear() + 1}-01-01` }
  let got = byId(await measureParty(ctx, `excel:${excel}`, window, new Date()))
  t.same([got.recapRowsRejected?.value, got.recapRowsRejected?.n], [2 / 5, 5], 'two of the five rows with a code')
  // Four published now: three answered at once (on time), one still within its 60 days (out of n).
  t.same([got.noFeedback60d?.value, got.noFeedback60d?.n], [0, 3])
  t.same([got.other999Share?.n, got.code2WithoutFormD6m?.n], [0, 0], 'code 2 is not overdue yet')
  // The same list again: the accepted rows are duplicates (counted once), the rejected ones are rejected again.
  const again = await upload()
  t.match(again.json(), { accepted: 0, duplicates: 3, rejected: 2 })
  got = byId(await measureParty(ctx, `excel:${excel}`, window, new Date()))
  t.same([got.recapRowsRejected?.value, got.recapRowsRejected?.n], [4 / 7, 7])
  // The inspection's import is not a software house's request.
  const alpha = byId(await measureParty(ctx, 'alpha', window, new Date()))
  t.equal(alpha.refusedRequests?.n, 0)
})
