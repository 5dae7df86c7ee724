/**
 * `blinker-gateway validate`: in-process through main() with captured output (every branch), plus
 * one smoke test of the real bin/ script on the compiled CLI.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import t from 'tap'
import { main, type CliIo } from '../../src/cli/main.js'

const ROOT = resolve(import.meta.dirname, '../..')
const FIXTURES = resolve(ROOT, 'tests/fixtures/messages')
const fixture = (name: string) => `${FIXTURES}/${name}`
const json = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const out: string[] = []
  const err: string[] = []
  const io: CliIo = { out: (l) => void out.push(l), err: (l) => void err.push(l) }
  const code = await main(argv, io)
  return { code, out, err: err.join('\n') }
}

t.test('valid files exit 0, in both syntaxes, type inferred', async (t) => {
  for (const name of ['blinker-full.xml', 'blinker-full.json', 'feedback-minimal.xml', 'feedback-minimal.json']) {
    const r = await cli('validate', fixture(name))
    t.equal(r.code, 0, name)
    const type = name.split('-')[0] as string
    t.same(r.out, [`${fixture(name)}: valid ${name.endsWith('.xml') ? `bare <${type}> message` : type}`], name)
  }
  const typed = await cli('validate', '--type', 'feedback', fixture('feedback-uppercase-uuid.xml'))
  t.equal(typed.code, 0, '--type given')
  t.equal((await cli('validate', fixture('blinker-minimal.json'), '--type=blinker')).code, 0, '--type=value form')
})

t.test('invalid XML: exit 1, each problem with its line', async (t) => {
  const r = await cli('validate', fixture('blinker-bad-regime.xml'))
  t.equal(r.code, 1)
  t.match(r.out[0], new RegExp(`^${fixture('blinker-bad-regime.xml')}:5: .*regime`))
  t.match(r.out.at(-1), /invalid bare <blinker> message \(1 problem\)$/)
  const checksum = await cli('validate', fixture('feedback-bad-kbo-checksum.xml'))
  t.match(checksum.out[0], /feedback-bad-kbo-checksum\.xml:5: \/cpasKbo: must be a valid enterprise number/)
})

t.test('invalid JSON: exit 1, each problem with its path', async (t) => {
  const r = await cli('validate', fixture('blinker-bad-niss-checksum.json'))
  t.equal(r.code, 1)
  t.match(r.out[0], /blinker-bad-niss-checksum\.json: \/beneficiary\/niss: must be a valid national register number/)
})

t.test('every fixture gets the manifest verdict from the CLI', async (t) => {
  const manifest = JSON.parse(readFileSync(fixture('manifest.json'), 'utf8')) as { fixtures: { name: string; valid: boolean }[] }
  for (const fx of manifest.fixtures) {
    for (const ext of ['json', 'xml']) {
      t.equal((await cli('validate', fixture(`${fx.name}.${ext}`))).code, fx.valid ? 0 : 1, `${fx.name}.${ext}`)
    }
  }
})

t.test('XML: envelopes and operation elements too, and the verdict says which', async (t) => {
  const examples = resolve(ROOT, 'schemas/examples')
  const cases: [string, string][] = [
    ['soap/SubmitFeedback.request.xml', 'valid <SubmitFeedbackRequest> in a SOAP 1.1 envelope'],
    ['soap/SubmitFeedback.fault.response.xml', 'valid <Fault> in a SOAP 1.1 envelope'],
    ['xml/GetFeedbackStatusRequest.xml', 'valid bare <GetFeedbackStatusRequest> element'],
    ['xml/feedback.xml', 'valid bare <feedback> message'],
  ]
  for (const [file, verdict] of cases) {
    const r = await cli('validate', `${examples}/${file}`)
    t.same({ code: r.code, out: r.out }, { code: 0, out: [`${examples}/${file}: ${verdict}`] }, file)
  }
  t.equal((await cli('validate', '--type', 'feedback', `${examples}/soap/SubmitFeedback.request.xml`)).code, 0, '--type feedback: a SubmitFeedbackRequest envelope carries one')

  const dir = t.testdir({
    'bad-kbo.xml': readFileSync(`${examples}/soap/SubmitFeedback.request.xml`, 'utf8').replace('<gw:cpasKbo>0207151616<', '<gw:cpasKbo>0207151617<'),
    'receipt.xml': '<receipt xmlns="urn:blinker-gateway:v1"/>',
  })
  const bad = await cli('validate', `${dir}/bad-kbo.xml`)
  t.equal(bad.code, 1)
  t.same(bad.out, [`${dir}/bad-kbo.xml:7: /cpasKbo: must be a valid enterprise number (10 digits, mod-97 check)`, `${dir}/bad-kbo.xml: invalid <SubmitFeedbackRequest> in a SOAP 1.1 envelope (1 problem)`])
  const wrongType = await cli('validate', '--type', 'blinker', `${examples}/soap/SubmitFeedback.request.xml`)
  t.equal(wrongType.code, 1)
  t.match(wrongType.out[0], /:4: the envelope's Body must hold blinker of urn:blinker-gateway:v1, found SubmitFeedbackRequest$/)
  const receipt = await cli('validate', `${dir}/receipt.xml`)
  t.equal(receipt.code, 1, 'an XML root of no accepted form is invalid, not a usage error')
  t.match(receipt.out, [/receipt\.xml:1: root element must be blinker, feedback or an <Operation>Request/, /receipt\.xml: invalid message \(1 problem\)$/])
})

t.test('JSON batches are judged item by item', async (t) => {
  const dir = t.testdir({
    'blinkers.json': JSON.stringify({ blinkers: [json('blinker-minimal.json'), json('blinker-bad-kbo-checksum.json'), json('blinker-full.json')] }),
    'feedback.json': JSON.stringify({ feedback: [json('feedback-minimal.json'), json('feedback-code-999-comment.json')] }),
    'empty.json': JSON.stringify({ blinkers: [], extra: 1 }),
  })
  const bad = await cli('validate', `${dir}/blinkers.json`)
  t.equal(bad.code, 1)
  t.same(bad.out.slice(0, -1), [`${dir}/blinkers.json: /blinkers/1/cpasKbo: must be a valid enterprise number (10 digits, mod-97 check)`])
  t.match(bad.out.at(-1), /invalid 3 blinkers \(1 problem\)/)
  const good = await cli('validate', `${dir}/feedback.json`)
  t.equal(good.code, 0)
  t.match(good.out[0], /valid 2 feedback messages/)
  const empty = await cli('validate', `${dir}/empty.json`)
  t.equal(empty.code, 1)
  t.match(empty.out, [/\/extra: is not allowed/, /\/blinkers: must hold 1 to 1000 items/])
  const mismatch = await cli('validate', '--type', 'feedback', `${dir}/blinkers.json`)
  t.equal(mismatch.code, 2, 'a blinker batch is not feedback')
})

t.test('files that are not acceptable XML or JSON: exit 1 with the reason', async (t) => {
  const dir = t.testdir({
    'doctype.xml': readFileSync(fixture('feedback-minimal.xml'), 'utf8').replace('?>\n', '?>\n<!DOCTYPE feedback [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'),
    'broken.xml': '<feedback xmlns="urn:blinker-gateway:v1">\n<code>2</cod>\n</feedback>',
    'broken.json': '{"messageId": ',
    'latin1.json': Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]),
    'wrong-root.xml': readFileSync(fixture('blinker-minimal.xml'), 'utf8'),
  })
  const doctype = await cli('validate', `${dir}/doctype.xml`)
  t.equal(doctype.code, 1)
  t.match(doctype.out[0], /doctype\.xml:2: <!DOCTYPE is not allowed/)
  const broken = await cli('validate', `${dir}/broken.xml`)
  t.equal(broken.code, 1)
  t.match(broken.out[0], /broken\.xml:2: .*mismatch/)
  const badJson = await cli('validate', `${dir}/broken.json`)
  t.equal(badJson.code, 1)
  t.match(badJson.out[0], /neither XML nor valid JSON/)
  const latin1 = await cli('validate', `${dir}/latin1.json`)
  t.equal(latin1.code, 1)
  t.match(latin1.out[0], /not valid UTF-8/)
  const root = await cli('validate', '--type', 'feedback', `${dir}/wrong-root.xml`)
  t.equal(root.code, 1, '--type against another root element')
  t.match(root.out[0], /root element must be feedback/)
})

t.test('usage problems: exit 2 on stderr', async (t) => {
  const cases: [string[], RegExp][] = [
    [[], /Usage: blinker-gateway <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['validate'], /FILE is required/],
    [['validate', 'a.json', 'b.json'], /exactly one FILE/],
    [['validate', '--type', 'receipt', fixture('feedback-minimal.json')], /--type must be blinker or feedback/],
    [['validate', '--type'], /--type must be blinker or feedback/],
    [['validate', '--strict', fixture('feedback-minimal.json')], /unknown option --strict/],
    [['validate', fixture('no-such-file.json')], /cannot read .*no-such-file\.json: ENOENT/],
    [['validate', fixture('manifest.json')], /cannot tell the message type/],
  ]
  for (const [argv, message] of cases) {
    const r = await cli(...argv)
    t.equal(r.code, 2, argv.join(' '))
    t.match(r.err, message, argv.join(' '))
    t.same(r.out, [], 'nothing on stdout')
  }
})

t.test('help: exit 0 on stdout', async (t) => {
  const top = await cli('--help')
  t.equal(top.code, 0)
  t.match(top.out.join('\n'), /validate\s+check a blinker or feedback message file/)
  const sub = await cli('validate', '--help')
  t.equal(sub.code, 0)
  t.match(sub.out.join('\n'), /Exit status: 0 valid, 1 invalid/)
})

t.test('bin/blinker-gateway.js runs the compiled CLI', async (t) => {
  const entry = resolve(ROOT, 'dist/src/cli/main.js')
  // Build when dist is missing or older than any source file (a fresh clone, or edited sources).
  const newest = (dir: string): number =>
    Math.max(...readdirSync(dir, { withFileTypes: true }).map((d) => (d.isDirectory() ? newest(`${dir}/${d.name}`) : statSync(`${dir}/${d.name}`).mtimeMs)))
  if (!existsSync(entry) || statSync(entry).mtimeMs < newest(resolve(ROOT, 'src'))) {
    // tsc emits even when a file elsewhere has a type error; typecheck is `npm run typecheck`'s job.
    spawnSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' })
  }
  t.ok(existsSync(entry), 'dist/src/cli/main.js built')
  const bin = resolve(ROOT, 'bin/blinker-gateway.js')
  const valid = spawnSync(process.execPath, [bin, 'validate', fixture('blinker-full.xml')], { encoding: 'utf8' })
  t.equal(valid.status, 0, valid.stderr)
  t.match(valid.stdout, /blinker-full\.xml: valid bare <blinker> message\n$/)
  const envelope = spawnSync(process.execPath, [bin, 'validate', resolve(ROOT, 'schemas/examples/soap/GetBlinkers.response.xml')], { encoding: 'utf8' })
  t.equal(envelope.status, 0, envelope.stderr)
  t.match(envelope.stdout, /GetBlinkers\.response\.xml: valid <GetBlinkersResponse> in a SOAP 1\.1 envelope\n$/)
  const invalid = spawnSync(process.execPath, [bin, 'validate', fixture('feedback-bad-uuid.json')], { encoding: 'utf8' })
  t.equal(invalid.status, 1)
  t.match(invalid.stdout, /\/messageId: /)
  const usage = spawnSync(process.execPath, [bin], { encoding: 'utf8' })
  t.equal(usage.status, 2)
  t.match(usage.stderr, /Usage: blinker-gateway/)
})
