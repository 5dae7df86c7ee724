/**
 * Builds WS-Security signed SOAP 1.1 envelopes the way a Belgian social-security client does:
 * wsu:Timestamp + X.509 BinarySecurityToken + ds:Signature over Timestamp and Body, exclusive
 * c14n, rsa-sha256, sha256 digests, signed with xml-crypto's SignedXml.
 */
import { X509Certificate } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import { SOAP11_NS } from '../../src/ingress/soap/envelope.js'
import { WSSE_NS, WSU_NS } from '../../src/security/ws-security-header.js'
import { EXC_C14N, RSA_SHA256, SHA256, X509V3, BASE64_BINARY } from '../../src/security/ws-security.js'
import { XML_NS } from '../../src/validation/xsd-validator.js'

export interface SignOptions {
  /** The operation element (prefix gw). */
  body: string
  /** PEM certificate put in the BinarySecurityToken. */
  cert: string
  /** PEM private key that signs. */
  key: string
  /** wsu:Created; default now. */
  created?: Date
  /** Seconds from Created to Expires; default 300; null leaves Expires out. */
  ttlSeconds?: number | null
  /** Which parts to sign; default both. */
  sign?: ('Body' | 'Timestamp')[]
  /** Another header block put before wsse:Security. */
  extraHeader?: string
  /** Override the profile's algorithms (to show other ones are refused). */
  signatureAlgorithm?: string
  digestAlgorithm?: string
}

const der = (pem: string) => new X509Certificate(pem).raw.toString('base64')

/** The unsigned envelope with its Security header (Timestamp and token), ready to sign. */
export function unsignedEnvelope(o: SignOptions): string {
  const created = o.created ?? new Date()
  const ttl = o.ttlSeconds === undefined ? 300 : o.ttlSeconds
  const expires = ttl === null ? '' : `<wsu:Expires>${new Date(created.getTime() + ttl * 1000).toISOString()}</wsu:Expires>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:gw="${XML_NS}" xmlns:wsu="${WSU_NS}">
  <soapenv:Header>${o.extraHeader ?? ''}
    <wsse:Security xmlns:wsse="${WSSE_NS}" soapenv:mustUnderstand="1">
      <wsu:Timestamp wsu:Id="TS-1"><wsu:Created>${created.toISOString()}</wsu:Created>${expires}</wsu:Timestamp>
      <wsse:BinarySecurityToken wsu:Id="X509-1" ValueType="${X509V3}" EncodingType="${BASE64_BINARY}">${der(o.cert)}</wsse:BinarySecurityToken>
    </wsse:Security>
  </soapenv:Header>
  <soapenv:Body wsu:Id="Body-1">
${o.body}
  </soapenv:Body>
</soapenv:Envelope>`
}

/** A signed envelope. */
export function signedEnvelope(o: SignOptions): string {
  const sig = new SignedXml({
    privateKey: o.key,
    signatureAlgorithm: o.signatureAlgorithm ?? RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
    idMode: 'wssecurity',
    getKeyInfoContent: () => `<wsse:SecurityTokenReference><wsse:Reference URI="#X509-1" ValueType="${X509V3}"/></wsse:SecurityTokenReference>`,
  })
  for (const part of o.sign ?? ['Timestamp', 'Body']) {
    sig.addReference({ xpath: `//*[local-name(.)='${part}']`, transforms: [EXC_C14N], digestAlgorithm: o.digestAlgorithm ?? SHA256 })
  }
  sig.computeSignature(unsignedEnvelope(o), {
    prefix: 'ds',
    location: { reference: "//*[local-name(.)='Security']", action: 'append' },
    existingPrefixes: { wsse: WSSE_NS, wsu: WSU_NS },
  })
  return sig.getSignedXml()
}
