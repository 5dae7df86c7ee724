/**
 * Test certificates made at test time by scripts/make-test-certs.sh (openssl) into a temp folder
 * removed on teardown: no private key is ever committed.
 */
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Test } from 'tap'

const SCRIPT = fileURLToPath(new URL('../../scripts/make-test-certs.sh', import.meta.url))

export interface ClientCert {
  cert: string
  key: string
  certFile: string
  keyFile: string
  /** Lower-case hex SHA-256, as the script's fingerprints.txt and the parties file hold it. */
  sha256: string
}

export interface TestCerts {
  dir: string
  ca: string
  caFile: string
  serverCertFile: string
  serverKeyFile: string
  clients: Record<string, ClientCert>
  /** fingerprints.txt as the script wrote it: name → sha256. */
  fingerprints: Record<string, string>
}

/** Runs the script (a fresh CA every call) for the given client names. */
export function makeTestCerts(t: Test, names: string[] = ['alpha', 'beta']): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'bgw-certs-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  execFileSync('sh', [SCRIPT, dir, ...names], { stdio: 'pipe' })
  const read = (f: string) => readFileSync(join(dir, f), 'utf8')
  const fingerprints = Object.fromEntries(
    read('fingerprints.txt').trim().split('\n').map((line) => line.split(' ') as [string, string]),
  )
  const clients: Record<string, ClientCert> = {}
  for (const name of names) {
    const cert = read(`client-${name}.crt`)
    clients[name] = {
      cert,
      key: read(`client-${name}.key`),
      certFile: join(dir, `client-${name}.crt`),
      keyFile: join(dir, `client-${name}.key`),
      sha256: new X509Certificate(cert).fingerprint256.replaceAll(':', '').toLowerCase(),
    }
  }
  return {
    dir,
    ca: read('ca.crt'),
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    clients,
    fingerprints,
  }
}
