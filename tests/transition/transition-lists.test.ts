/**
 * Transition lists: the monthly list out (.xlsx and CSV), the recap list back in through the same
 * feedback service as REST — same verdicts, same feedback, nothing applied twice on re-import.
 */
import { deflateRawSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import t from 'tap'
import { columnKey } from '../../src/transition/column-names.js'
import { XLSX_TYPE } from '../../src/transition/list-export.js'
import { rowMessageId } from '../../src/transition/message-id.js'
import { checkZip } from '../../src/transition/zip-guard.js'
import { CPAS } from '../helpers/blinkers.js'
import { A, blinkerState, feedbackFor, getStatus, postFeedback, published } from '../helpers/feedback.js'
import { auth, startGateway, type TestGateway } from '../helpers/gateway.js'

const month = new Date().toISOString().slice(0, 7)

async function download(gw: TestGateway, kbo: string, query: string, token: string = A.inspection) {
  return gw.app.inject({ method: 'GET', url: `/acceptance/v1/cpas/${kbo}/transition-list?${query}`, headers: auth(token) })
}

async function importFile(gw: TestGateway, body: Buffer, token: string = A.inspection, type = XLSX_TYPE) {
  return gw.app.inject({ method: 'POST', url: '/acceptance/v1/transition/recap', headers: { ...auth(token), 'content-type': type }, payload: body })
}

async function workbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(body as unknown as ArrayBuffer)
  return wb
}

/** Column index by column key on the blinkers sheet (headers in any language). */
function columnsOf(sheet: ExcelJS.Worksheet): Map<string, number> {
  const out = new Map<string, number>()
  sheet.getRow(1).eachCell((c, i) => void out.set(columnKey(String(c.value)) ?? String(c.value), i))
  return out
}

/** A minimal ZIP with one deflated entry (for the zip-bomb check). */
function zipOf(name: string, content: Buffer): Buffer {
  const data = deflateRawSync(content)
  const n = Buffer.from(name)
  const local = Buffer.alloc(30)
  local.writeUInt32LE(0x04034b50, 0)
  local.writeUInt16LE(8, 8)
  local.writeUInt32LE(data.length, 18)
  local.writeUInt32LE(100, 22) // declared uncompressed size: a lie
  local.writeUInt16LE(n.length, 26)
  const central = Buffer.alloc(46)
  central.writeUInt32LE(0x02014b50, 0)
  central.writeUInt16LE(8, 10)
  central.writeUInt32LE(data.length, 20)
  central.writeUInt32LE(100, 24)
  central.writeUInt16LE(n.length, 28)
  central.writeUInt32LE(0, 42)
  const cdOffset = local.length + n.length + data.length
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(1, 8)
  eocd.writeUInt16LE(1, 10)
  eocd.writeUInt32LE(central.length + n.length, 12)
  eocd.writeUInt32LE(cdOffset, 16)
  return Buffer.concat([local, n, data, central, n, eocd])
}

t.test('export, fill in, import: same verdicts and feedback as REST, idempotent re-import', async (t) => {
  const gw = await startGateway(t)
  const kbo = CPAS.alpha1
  const dimona = await published(t, gw, kbo, { flow: 'WORK_INCOME_DIMONA', finding: { periodStart: '2026-01-05', description: '=HYPERLINK("http://x")', sourceKbo: '0207151616' } })
  const wrongFlow = await published(t, gw, kbo, { flow: 'WORK_INCOME_DIMONA' })
  const noCode = await published(t, gw, kbo, { flow: 'PENSION' })
  const noComment = await published(t, gw, kbo, { flow: 'UNEMPLOYMENT' })
  const other = await published(t, gw, CPAS.beta)

  // Export (.xlsx): headers in French (no language asked), identifiers as text, codes sheet, only this CPAS.
  const res = await download(gw, kbo, `month=${month}`)
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], XLSX_TYPE)
  t.match(String(res.headers['content-disposition']), new RegExp(`attachment; filename="blinkers-acceptance-${kbo}-${month}.xlsx"`))
  const wb = await workbook(res.rawPayload)
  const sheet = wb.getWorksheet('Clignotants') as ExcelJS.Worksheet
  const col = columnsOf(sheet)
  t.ok(['blinkerId', 'cpasKbo', 'niss', 'flow', 'status', 'code', 'comment'].every((c) => col.has(c)), 'the columns the recap needs')
  t.equal(sheet.rowCount, 5, 'header + the 4 blinkers of this CPAS (not the other CPAS)')
  const ids = [2, 3, 4, 5].map((r) => sheet.getRow(r).getCell(col.get('blinkerId') as number).value)
  t.same(ids, [dimona, wrongFlow, noCode, noComment].map((b) => b.blinkerId), 'in publication order')
  t.equal(sheet.getRow(2).getCell(col.get('cpasKbo') as number).value, kbo, 'KBO kept as text with its leading 0')
  t.ok((wb.getWorksheet('Codes')?.rowCount ?? 0) > 4, 'the code catalogue travels with the list')
  t.same(sheet.getRow(2).getCell(col.get('code') as number).dataValidation?.type, 'list', 'the code column offers the catalogue')

  // The same list as CSV: BOM, `;`, quoted where needed, formula-looking text defused.
  const csv = await download(gw, kbo, `month=${month}&format=csv`)
  t.equal(csv.statusCode, 200)
  t.match(csv.headers['content-type'], /^text\/csv/)
  t.ok(csv.body.startsWith('\uFEFFID clignotant;BCE du CPAS;Régime;'), 'BOM and `;` header, in French')
  t.equal(csv.body.trimEnd().split('\r\n').length, 5)
  t.match(csv.body, `;"'=HYPERLINK(""http://x"")";`, 'a cell starting with = is not a formula')
  t.notMatch(csv.body, other.blinkerId)

  // Another month: an empty list; bad parameters: 400; a software house may not download.
  const empty = await workbook((await download(gw, kbo, 'month=2001-01')).rawPayload)
  t.equal(empty.getWorksheet('Clignotants')?.rowCount, 1, 'only the header for a month without blinkers')
  t.equal((await download(gw, kbo, 'month=2026-13')).statusCode, 400)
  t.equal((await download(gw, '0212344877', `month=${month}`)).statusCode, 400, 'bad KBO checksum')
  t.equal((await download(gw, kbo, `month=${month}`, A.alpha)).statusCode, 403)

  // The CPAS fills in the codes; one more row for a blinker of the same list appears twice.
  sheet.getRow(2).getCell(col.get('code') as number).value = 131
  sheet.getRow(3).getCell(col.get('code') as number).value = '110'
  sheet.getRow(5).getCell(col.get('code') as number).value = 999
  const dup = sheet.getRow(6)
  dup.getCell(col.get('blinkerId') as number).value = dimona.blinkerId
  dup.getCell(col.get('cpasKbo') as number).value = 212344876 // typed as a number: leading 0 lost
  dup.getCell(col.get('code') as number).value = 131
  const filled = Buffer.from(await wb.xlsx.writeBuffer())

  const first = await importFile(gw, filled)
  t.equal(first.statusCode, 200)
  const report = first.json()
  t.match(report, { accepted: 1, duplicates: 1, rejected: 2, skipped: 1 })
  t.match(report.rows, [
    { row: 2, blinkerId: dimona.blinkerId, result: 'accepted', messageId: rowMessageId(dimona.blinkerId, 131, undefined), receipt: { status: 'RECEIVED' } },
    { row: 3, result: 'rejected', errors: [{ code: 'GW_ERR_CODE_NOT_FOR_FLOW', path: '/rows/3/code' }] },
    { row: 4, blinkerId: noCode.blinkerId, result: 'skipped' },
    { row: 5, result: 'rejected', errors: [{ code: 'GW_ERR_BUSINESS_RULE', path: '/rows/5/comment' }] },
    { row: 6, result: 'duplicate', messageId: rowMessageId(dimona.blinkerId, 131, undefined) },
  ])

  // The REST path on twin blinkers gives the same verdicts and the same feedback.
  const twinOk = await published(t, gw, kbo, { flow: 'WORK_INCOME_DIMONA' })
  const twinFlow = await published(t, gw, kbo, { flow: 'WORK_INCOME_DIMONA' })
  const twinComment = await published(t, gw, kbo, { flow: 'UNEMPLOYMENT' })
  const ok = feedbackFor(twinOk, { code: 131 })
  t.equal((await postFeedback(gw, A.alpha, ok)).statusCode, 202)
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(twinFlow, { code: 110 }))).json().code, 'GW_ERR_CODE_NOT_FOR_FLOW')
  t.equal((await postFeedback(gw, A.alpha, feedbackFor(twinComment, { code: 999 }))).json().code, 'GW_ERR_BUSINESS_RULE')
  const viaRest = (await getStatus(gw, A.inspection, ok.messageId)).json()
  const viaList = (await getStatus(gw, A.inspection, report.rows[0].messageId)).json()
  const shape = (v: { code: number; status: string; history: { status: string; cause: string }[] }) => ({ code: v.code, status: v.status, history: v.history.map((h) => [h.status, h.cause]) })
  t.same(shape(viaList), shape(viaRest), 'same feedback record as over REST')
  const restBlinker = await blinkerState(gw, twinOk.blinkerId)
  const listBlinker = await blinkerState(gw, dimona.blinkerId)
  t.same(listBlinker.history.map((h) => [h.status, h.cause]), restBlinker.history.map((h) => [h.status, h.cause]), 'same blinker transitions')
  t.equal(listBlinker.history.at(-1)?.by, 'inspection', 'sent on the CPAS’s behalf by the importing inspection')

  // Importing the same file again applies nothing twice.
  const historyBefore = listBlinker.history.length
  const second = (await importFile(gw, filled)).json()
  t.match(second, { accepted: 0, duplicates: 2, rejected: 2, skipped: 1 })
  t.equal(second.rows[0].receipt.receivedAt, report.rows[0].receipt.receivedAt, 'the first receipt')
  t.equal((await blinkerState(gw, dimona.blinkerId)).history.length, historyBefore, 'no second transition')

  // The statistics count the imported cancellation under its flow.
  const stats = (await gw.app.inject({ method: 'GET', url: '/acceptance/v1/statistics?period=2026', headers: auth(A.inspection) })).json()
  t.match(stats.feedback.perFlow.find((f: { flow: string }) => f.flow === 'WORK_INCOME_DIMONA'), { unjustified: 2, justified: 0, total: 2, unjustifiedShare: 1 })
  t.match(stats.feedback.perCode, [{ code: 131, kind: 'UNJUSTIFIED', count: 2, perFlow: { WORK_INCOME_DIMONA: 2 } }])
})

t.test('recap import refuses what is not a usable workbook', async (t) => {
  const gw = await startGateway(t, { BODY_LIMIT: '200000' })
  const notZip = await importFile(gw, Buffer.from('hello, not a spreadsheet'))
  t.equal(notZip.statusCode, 400)
  t.equal(notZip.json().code, 'GW_ERR_VALIDATION')
  const bomb = zipOf('xl/worksheets/sheet1.xml', Buffer.alloc(70 * 1024 * 1024))
  t.ok(bomb.length < 200_000, `a ${bomb.length}-byte upload`)
  const bombed = await importFile(gw, bomb)
  t.equal(bombed.statusCode, 400, 'a zip bomb is refused before ExcelJS inflates it')
  t.match(bombed.json().detail, /inflates beyond/)
  const unreadable = await importFile(gw, zipOf('hello.txt', Buffer.from('hi')))
  t.equal(unreadable.json().code, 'GW_ERR_VALIDATION', 'a zip that is no workbook')

  const wb = new ExcelJS.Workbook()
  wb.addWorksheet('Blinkers').addRow(['blinkerId', 'status'])
  const noColumns = await importFile(gw, Buffer.from(await wb.xlsx.writeBuffer()))
  t.equal(noColumns.statusCode, 400)
  t.same(noColumns.json().errors.map((e: { path: string }) => e.path), ['/header/cpasKbo', '/header/code'])

  t.equal((await importFile(gw, Buffer.from('{}'), A.inspection, 'application/json')).statusCode, 415, 'JSON is not a recap list')
  t.equal((await importFile(gw, Buffer.from('x'), A.alpha)).statusCode, 403, 'software houses send feedback electronically')
  t.equal((await importFile(gw, Buffer.alloc(300_000))).statusCode, 413, 'BODY_LIMIT applies')
})

t.test('zip guard limits', async (t) => {
  const small = zipOf('a.xml', Buffer.alloc(1000, 65))
  t.equal(checkZip(small), 1)
  t.throws(() => checkZip(small, { maxTotalBytes: 500 }), /inflates beyond 500/)
  t.throws(() => checkZip(small, { maxEntries: 0 }), /more than 0 entries/)
  const stored = Buffer.from(small)
  stored.writeUInt16LE(12, small.length - 22 - 46 - 5 + 10) // central directory: method 12 (bzip2)
  t.throws(() => checkZip(stored), /compression method 12/)
  t.throws(() => checkZip(Buffer.alloc(10)), /too short/)
  t.throws(() => checkZip(Buffer.alloc(100)), /no ZIP directory/)
})
