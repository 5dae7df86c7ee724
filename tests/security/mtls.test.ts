/**
 * mTLS with real TLS on localhost: certificates from scripts/make-test-certs.sh, a gateway
 * listening with HTTPS on port 0, undici clients with and without client certificates.
 * Acceptance identifies by token or certificate; production (CLIENT_CERT_REQUIRED_ENVIRONMENTS)
 * needs a registered certificate whatever token comes with it.
 */
import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { Agent, request } from 'undici'
import { loadConfig } from '../../src/config.js'
import { demoPartiesFile } from '../../src/parties/parties.js'
import { clientCertEnvironments, httpsOptions } from '../../src/security/tls-options.js'
import { CPAS } from '../helpers/blinkers.js'
import { startGateway, TOKENS } from '../helpers/gateway.js'
import { makeTestCerts, type ClientCert, type TestCerts } from '../helpers/test-certs.js'

const A = TOKENS.acceptance
const P = TOKENS.production

const certs = makeTestCerts(t, ['alpha', 'beta', 'auditor', 'stranger'])
// A second run of the script: another CA, so its certificates are not trusted by the gateway.
const rogue = makeTestCerts(t, ['alpha'])
const { alpha, beta, auditor, stranger } = certs.clients as Record<string, ClientCert>

// alpha: its certificate in both environments; beta: acceptance only; auditor: production,
// certificate only (no token); stranger: trusted CA, registered nowhere.
const file = demoPartiesFile()
for (const p of file.acceptance!.parties) {
  if (p.id === 'alpha') p.certSha256 = [alpha!.sha256]
  if (p.id === 'beta') p.certSha256 = [beta!.sha256]
}
for (const p of file.production!.parties) if (p.id === 'alpha') p.certSha256 = [alpha!.sha256]
file.production!.parties.push({ id: 'auditor', role: 'inspection', certSha256: [auditor!.sha256] })
const partiesFile = join(certs.dir, 'parties.json')
writeFileSync(partiesFile, JSON.stringify(file))

const tlsEnv = (mode: 'request' | 'require', extra: Record<string, string> = {}) => ({
  PARTIES_FILE: partiesFile,
  TLS_CERT_FILE: certs.serverCertFile,
  TLS_KEY_FILE: certs.serverKeyFile,
  TLS_CA_FILE: certs.caFile,
  TLS_CLIENT_CERT: mode,
  ...extra,
})

const agents: Agent[] = []
t.teardown(async () => {
  for (const a of agents) await a.close()
})

/** An HTTPS client that trusts the test CA, with a client certificate or none. */
function client(cert?: ClientCert): Agent {
  const agent = new Agent({ connect: { ca: certs.ca, ...(cert ? { cert: cert.cert, key: cert.key } : {}) } })
  agents.push(agent)
  return agent
}

const noCert = client()
const alphaAgent = client(alpha)
const betaAgent = client(beta)
const auditorAgent = client(auditor)
const strangerAgent = client(stranger)
const rogueAgent = client(rogue.clients.alpha)

async function startTls(mode: 'request' | 'require', extra: Record<string, string> = {}) {
  const gw = await startGateway(t, tlsEnv(mode, extra))
  const address = await gw.app.listen({ host: '127.0.0.1', port: 0 })
  return { gw, base: address }
}

async function call(base: string, agent: Agent, path: string, token?: string) {
  const res = await request(`${base}${path}`, { dispatcher: agent, headers: token ? { authorization: `Bearer ${token}` } : {} })
  const text = await res.body.text()
  const json = res.headers['content-type']?.toString().includes('json') ? (JSON.parse(text) as { code?: string; detail?: string }) : {}
  return { status: res.statusCode, code: json.code, detail: json.detail, text }
}

const mailbox = (env: 'acceptance' | 'production', kbo: string = CPAS.alpha1) => `/${env}/v1/cpas/${kbo}/blinkers`

t.test('TLS_CLIENT_CERT=request, production requires certificates', async (t) => {
  const { base } = await startTls('request', { CLIENT_CERT_REQUIRED_ENVIRONMENTS: 'production' })
  t.match(base, /^https:\/\/127\.0\.0\.1:\d+$/, 'the gateway listens with HTTPS')

  const cases: [string, Agent, string, string | undefined, number, string | undefined][] = [
    // [what, client, path, token, status, code]
    ['public health route, no certificate', noCert, '/health/live', undefined, 200, undefined],
    ['public WSDL of production, no certificate', noCert, '/production/soap?wsdl', undefined, 200, undefined],
    ['acceptance: token, no certificate', noCert, mailbox('acceptance'), A.alpha, 200, undefined],
    ['acceptance: certificate, no token', alphaAgent, mailbox('acceptance'), undefined, 200, undefined],
    ['acceptance: certificate and token of the same party', alphaAgent, mailbox('acceptance'), A.alpha, 200, undefined],
    ['acceptance: certificate and token of different parties', alphaAgent, mailbox('acceptance', CPAS.beta), A.beta, 403, 'GW_ERR_CREDENTIAL_MISMATCH'],
    ['acceptance: certificate alone reaches only its own CPAS', betaAgent, mailbox('acceptance'), undefined, 403, 'GW_ERR_FORBIDDEN_CPAS'],
    ['acceptance: untrusted certificate is not used, token decides', rogueAgent, mailbox('acceptance'), A.alpha, 200, undefined],
    ['acceptance: untrusted certificate alone', rogueAgent, mailbox('acceptance'), undefined, 401, 'GW_ERR_UNAUTHENTICATED'],
    ['acceptance: unregistered trusted certificate alone', strangerAgent, mailbox('acceptance'), undefined, 401, 'GW_ERR_UNAUTHENTICATED'],
    ['acceptance: nothing at all', noCert, mailbox('acceptance'), undefined, 401, 'GW_ERR_UNAUTHENTICATED'],
    ['acceptance: certificate of a production-only party', auditorAgent, '/acceptance/v1/inspection/inbox', undefined, 403, 'GW_ERR_WRONG_ENVIRONMENT'],
    ['production: valid token but no certificate', noCert, mailbox('production'), P.alpha, 401, 'GW_ERR_CLIENT_CERT_REQUIRED'],
    ['production: valid token, certificate of another CA', rogueAgent, mailbox('production'), P.alpha, 401, 'GW_ERR_CLIENT_CERT_REQUIRED'],
    ['production: valid token, trusted but unregistered certificate', strangerAgent, mailbox('production'), P.alpha, 401, 'GW_ERR_CLIENT_CERT_UNKNOWN'],
    ['production: certificate registered in acceptance only', betaAgent, mailbox('production', CPAS.beta), P.beta, 403, 'GW_ERR_WRONG_ENVIRONMENT'],
    ['production: certificate and token agree', alphaAgent, mailbox('production'), P.alpha, 200, undefined],
    ['production: certificate alone', alphaAgent, mailbox('production'), undefined, 200, undefined],
    ['production: certificate and another party\'s token', alphaAgent, mailbox('production', CPAS.beta), P.beta, 403, 'GW_ERR_CREDENTIAL_MISMATCH'],
    ['production: certificate and the acceptance token', alphaAgent, mailbox('production'), A.alpha, 403, 'GW_ERR_WRONG_ENVIRONMENT'],
    ['production: certificate-only party (no token in the file)', auditorAgent, '/production/v1/inspection/inbox', undefined, 200, undefined],
    ['production: certificate-only party keeps its role limits', auditorAgent, mailbox('production'), undefined, 403, 'GW_ERR_FORBIDDEN_ROLE'],
  ]
  for (const [what, agent, path, token, status, code] of cases) {
    const res = await call(base, agent, path, token)
    t.equal(res.status, status, `${what}: ${status}`)
    if (code) {
      t.equal(res.code, code, `${what}: ${code}`)
      t.notMatch(res.text, /\/work\/|node_modules|\s at /, `${what}: no stack, no path`)
    }
  }
  const untrusted = await call(base, rogueAgent, mailbox('production'), P.alpha)
  t.match(untrusted.detail, /not trusted/, 'the answer says the certificate is not trusted, not merely missing')

  // SOAP goes through the same auth hook: a Fault with the same code.
  const soap = await request(`${base}/production/soap`, {
    method: 'POST',
    dispatcher: noCert,
    headers: { authorization: `Bearer ${P.alpha}`, 'content-type': 'text/xml; charset=utf-8' },
    body: '<x/>',
  })
  t.equal(soap.statusCode, 401)
  t.match(await soap.body.text(), /<gw:code>GW_ERR_CLIENT_CERT_REQUIRED<\/gw:code>/)
})

t.test('TLS_CLIENT_CERT=require: no certificate, no handshake', async (t) => {
  const { base } = await startTls('require')
  await t.rejects(call(base, noCert, '/health/live'), 'a client without certificate cannot connect')
  await t.rejects(call(base, rogueAgent, '/health/live'), 'nor one with a certificate of another CA')
  const ok = await call(base, alphaAgent, mailbox('acceptance'))
  t.equal(ok.status, 200, 'a trusted certificate connects and identifies its party')
  const noPlain = await request(`${base.replace('https', 'http')}/health/live`).then(
    () => 'answered',
    () => 'refused',
  )
  t.equal(noPlain, 'refused', 'plain HTTP on the TLS port gets no answer')
})

t.test('TLS configuration is checked before anything starts', async (t) => {
  const base = { TLS_CERT_FILE: certs.serverCertFile, TLS_KEY_FILE: certs.serverKeyFile, TLS_CA_FILE: certs.caFile }
  const opts = (env: Record<string, string>) => httpsOptions(loadConfig(env))
  t.equal(opts({}), undefined, 'no TLS_CERT_FILE: plain HTTP')
  const off = opts({ TLS_CERT_FILE: base.TLS_CERT_FILE, TLS_KEY_FILE: base.TLS_KEY_FILE })
  t.equal(off?.requestCert, undefined, 'TLS without client certificates')
  t.equal(off?.minVersion, 'TLSv1.2')
  const req = opts({ ...base, TLS_CLIENT_CERT: 'request' })
  t.same([req?.requestCert, req?.rejectUnauthorized], [true, false])
  const reqd = opts({ ...base, TLS_CLIENT_CERT: 'require' })
  t.same([reqd?.requestCert, reqd?.rejectUnauthorized], [true, true])
  const refused: [Record<string, string>, RegExp][] = [
    [{ TLS_CERT_FILE: base.TLS_CERT_FILE }, /TLS_CERT_FILE and TLS_KEY_FILE go together/],
    [{ TLS_CLIENT_CERT: 'request', TLS_CA_FILE: base.TLS_CA_FILE }, /needs TLS_CERT_FILE and TLS_KEY_FILE/],
    [{ TLS_CERT_FILE: base.TLS_CERT_FILE, TLS_KEY_FILE: base.TLS_KEY_FILE, TLS_CLIENT_CERT: 'request' }, /needs TLS_CA_FILE/],
    [{ TLS_CERT_FILE: base.TLS_CERT_FILE, TLS_KEY_FILE: base.TLS_KEY_FILE, CLIENT_CERT_REQUIRED_ENVIRONMENTS: 'production' }, /CLIENT_CERT_REQUIRED_ENVIRONMENTS needs TLS_CLIENT_CERT/],
    [{ ...base, TLS_KEY_FILE: join(certs.dir, 'missing.key') }, /TLS_KEY_FILE=".*missing\.key": cannot read it \(ENOENT\)/],
  ]
  for (const [env, message] of refused) t.throws(() => opts(env), { name: 'ConfigError', message }, JSON.stringify(Object.keys(env)))
  t.throws(() => loadConfig({ CLIENT_CERT_REQUIRED_ENVIRONMENTS: 'staging' }), { name: 'ConfigError', message: /CLIENT_CERT_REQUIRED_ENVIRONMENTS/ })
  t.throws(() => loadConfig({ TLS_CLIENT_CERT: 'maybe' }), { name: 'ConfigError', message: /TLS_CLIENT_CERT/ })
  t.same([...clientCertEnvironments(loadConfig({ CLIENT_CERT_REQUIRED_ENVIRONMENTS: 'acceptance,production' }))], ['acceptance', 'production'])
  t.same([...clientCertEnvironments(loadConfig({}))], [], 'unset: no environment requires a certificate')
  await t.rejects(startGateway(t, { TLS_CERT_FILE: base.TLS_CERT_FILE }), { name: 'ConfigError' }, 'the gateway does not start')
})

t.test('the script writes what the README says', async (t) => {
  const c: TestCerts = certs
  t.same(Object.keys(c.fingerprints).sort(), ['alpha', 'auditor', 'beta', 'stranger'])
  for (const [name, fp] of Object.entries(c.fingerprints)) t.match(fp, /^[0-9a-f]{64}$/, `${name}: lower-case hex sha256`)
  t.not(rogue.clients.alpha?.sha256, alpha?.sha256, 'every run makes new keys')
  const script = new URL('../../scripts/make-test-certs.sh', import.meta.url).pathname
  const run = (...args: string[]) => spawnSync('sh', [script, ...args], { encoding: 'utf8' })
  const usage = run()
  t.equal(usage.status, 64, 'no output folder: usage error')
  t.match(usage.stderr, /usage:/)
  const badName = run(join(c.dir, 'again'), 'bad name')
  t.equal(badName.status, 64, 'a client name with a space is refused')
  t.match(badName.stderr, /must be letters, digits/)
  const pem = readFileSync(c.serverCertFile, 'utf8')
  t.match(new X509Certificate(pem).subjectAltName, /DNS:localhost.*IP Address:127\.0\.0\.1/, 'server certificate for localhost and 127.0.0.1')
  t.ok(new X509Certificate(readFileSync(alpha!.certFile)).checkIssued(new X509Certificate(c.ca)), 'client certificates are issued by the CA')
})
