/**
 * WS-Security on SOAP (README "Security"), the profile the Belgian social-security services use:
 * a wsse:Security header with a wsu:Timestamp, an X.509 BinarySecurityToken and one ds:Signature
 * over the Timestamp and the soap:Body (by wsu:Id), exclusive c14n, rsa-sha256, sha256 digests.
 * The signature itself is checked by xml-crypto, with the key taken from the token only after
 * the token's certificate was found among the calling party's registered fingerprints. Checks, in
 * order, each with its own code:
 *   structure and algorithms → GW_ERR_WSS_MISSING / GW_ERR_WSS_INVALID
 *   certificate registered for the caller and within its validity → GW_ERR_WSS_CERT_UNKNOWN
 *   signature value and digests (tampering) → GW_ERR_WSS_INVALID
 *   timestamp age, future, expiry → GW_ERR_WSS_EXPIRED
 *   signature seen before within the window (Redis) → GW_ERR_WSS_REPLAY
 */
import { createHash, X509Certificate } from 'node:crypto'
import { SignedXml } from 'xml-crypto'
import type { EnvContext } from '../context.js'
import { GatewayError } from '../errors.js'
import { normalizeFingerprint, type Party } from '../parties/parties.js'
import { keys } from '../store/keys.js'
import { readSoapHeader, WSSE_NS, type SecurityHeader } from './ws-security-header.js'

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#'
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256'
export const X509V3 = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3'
export const BASE64_BINARY = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary'

export interface WsSecurityLimits {
  /** Oldest Created accepted, in seconds; default 300 (WSS_MAX_AGE_SECONDS). */
  maxAgeSeconds: number
  /** Clock difference tolerated on Created and Expires, in seconds; default 60 (WSS_CLOCK_SKEW_SECONDS). */
  clockSkewSeconds: number
}

/** Signed parts accepted in one message. */
const MAX_REFERENCES = 8

const missing = (what: string) => new GatewayError('GW_ERR_WSS_MISSING', `WS-Security: ${what}`)
const invalid = (what: string) => new GatewayError('GW_ERR_WSS_INVALID', `WS-Security: ${what}`)

type Present = 'timestamp' | 'token' | 'signature'
type Complete = SecurityHeader & { [K in Present]: NonNullable<SecurityHeader[K]> }

/** Everything present and the algorithms the profile prescribes; else MISSING or INVALID. */
function checkStructure(h: SecurityHeader): asserts h is Complete {
  if (h.duplicate) throw invalid(`${h.duplicate}; exactly one is expected`)
  if (!h.timestamp) throw missing('wsse:Security has no wsu:Timestamp')
  if (!h.token) throw missing('wsse:Security has no wsse:BinarySecurityToken (X.509v3)')
  if (!h.signature) throw missing('wsse:Security has no ds:Signature')
  if (h.token.valueType !== X509V3) throw invalid(`BinarySecurityToken ValueType must be ${X509V3}`)
  if (h.token.encodingType !== '' && h.token.encodingType !== BASE64_BINARY) throw invalid(`BinarySecurityToken EncodingType must be ${BASE64_BINARY}`)
  const s = h.signature
  if (s.canonicalization !== EXC_C14N) throw invalid(`CanonicalizationMethod must be ${EXC_C14N}`)
  if (s.algorithm !== RSA_SHA256) throw invalid(`SignatureMethod must be ${RSA_SHA256}`)
  // The profile signs two parts (three with the token); more only makes the gateway hash more.
  if (s.references.length > MAX_REFERENCES) throw invalid(`more than ${MAX_REFERENCES} signed references`)
  for (const ref of s.references) {
    if (!ref.uri.startsWith('#')) throw invalid(`Reference URI "${ref.uri.slice(0, 80)}" must point to a wsu:Id in this message`)
    if (ref.digestMethod !== SHA256) throw invalid(`DigestMethod of ${ref.uri.slice(0, 80)} must be ${SHA256}`)
    if (ref.transforms.length !== 1 || ref.transforms[0] !== EXC_C14N) throw invalid(`Reference ${ref.uri.slice(0, 80)} must have exactly the transform ${EXC_C14N}`)
  }
  const signed = new Set(s.references.map((r) => r.uri.slice(1)))
  if (!h.bodyId || !signed.has(h.bodyId)) throw invalid('the signature must cover soap:Body (wsu:Id referenced in SignedInfo)')
  if (!h.timestamp.id || !signed.has(h.timestamp.id)) throw invalid('the signature must cover wsu:Timestamp (wsu:Id referenced in SignedInfo)')
  if (!h.token.id || s.keyReference !== `#${h.token.id}`) throw invalid('KeyInfo must reference the BinarySecurityToken (wsse:SecurityTokenReference)')
}

/** The token's certificate, which must be one the calling party registered and be valid now. */
function registeredCertificate(token: Complete['token'], party: Party, now: number): X509Certificate {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(Buffer.from(token.base64, 'base64'))
  } catch {
    throw invalid('BinarySecurityToken does not hold a DER X.509 certificate')
  }
  const fingerprint = normalizeFingerprint(cert.fingerprint256)
  if (!party.certSha256?.has(fingerprint)) {
    throw new GatewayError('GW_ERR_WSS_CERT_UNKNOWN', `WS-Security: certificate sha256 ${fingerprint} is not registered for ${party.id}`)
  }
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    throw new GatewayError('GW_ERR_WSS_CERT_UNKNOWN', `WS-Security: certificate sha256 ${fingerprint} is valid only from ${cert.validFrom} to ${cert.validTo}`)
  }
  return cert
}

/** xml-crypto verifies the SignatureValue over SignedInfo and every Reference digest. */
function checkSignature(xml: string, signature: Complete['signature'], cert: X509Certificate): void {
  // getCertFromKeyInfo: never take a key from the message; only the registered certificate counts.
  const verifier = new SignedXml({ publicCert: cert.toString(), getCertFromKeyInfo: () => null })
  let ok: boolean
  try {
    verifier.loadSignature(signature.xml)
    ok = verifier.checkSignature(xml)
  } catch (err) {
    // xml-crypto throws on a wrong SignatureValue and on duplicate ids (signature wrapping).
    const why = /multiple elements with the same value/.test((err as Error).message) ? 'two elements carry the same id (signature wrapping)' : 'the signature value does not verify'
    throw invalid(`${why}; the message was altered or signed with another key`)
  }
  if (!ok) throw invalid('a signed part (Body or Timestamp) does not match its digest: the message was altered after signing')
}

function checkTimestamp(ts: Complete['timestamp'], limits: WsSecurityLimits, now: number): void {
  const created = ts.created === undefined ? NaN : Date.parse(ts.created)
  if (Number.isNaN(created)) throw invalid('wsu:Timestamp needs a wsu:Created date-time')
  const expires = ts.expires === undefined ? undefined : Date.parse(ts.expires)
  if (expires !== undefined && (Number.isNaN(expires) || expires < created)) throw invalid('wsu:Expires must be a date-time after wsu:Created')
  const skew = limits.clockSkewSeconds * 1000
  if (created > now + skew) throw new GatewayError('GW_ERR_WSS_EXPIRED', `WS-Security: wsu:Created ${ts.created} is in the future`)
  if (now - created > limits.maxAgeSeconds * 1000 + skew) {
    throw new GatewayError('GW_ERR_WSS_EXPIRED', `WS-Security: wsu:Created ${ts.created} is older than ${limits.maxAgeSeconds} s`)
  }
  if (expires !== undefined && expires < now - skew) throw new GatewayError('GW_ERR_WSS_EXPIRED', `WS-Security: the message expired at ${ts.expires}`)
}

/** One SET NX per signature: a second arrival within the window is a replay. */
async function rememberSignature(envCtx: EnvContext, signatureValue: string, limits: WsSecurityLimits): Promise<void> {
  const digest = createHash('sha256').update(signatureValue).digest('hex')
  // Long enough that the timestamp check refuses the message before the record expires.
  const windowMs = (limits.maxAgeSeconds + 2 * limits.clockSkewSeconds) * 1000
  const fresh = await envCtx.redis.set(keys.wssSeen(envCtx.keys, digest), '1', 'PX', windowMs, 'NX')
  if (fresh !== 'OK') throw new GatewayError('GW_ERR_WSS_REPLAY', 'WS-Security: this signed message was already received; sign each message anew')
}

/**
 * The SOAP pipeline's security step, after the XSD and before the operation. A party with
 * `requireWsSecurity` must send a valid signature; from any other party a wsse:Security header,
 * when sent, is verified just the same (never silently ignored). A header block marked
 * mustUnderstand that the gateway does not process is GW_ERR_SOAP_MUST_UNDERSTAND.
 */
export async function checkSoapSecurity(xml: string, party: Party, envCtx: EnvContext, now = Date.now()): Promise<void> {
  // Cheap gate: most calls carry neither, and then the document is not parsed a second time.
  if (!party.requireWsSecurity && !xml.includes(WSSE_NS) && !xml.includes('mustUnderstand')) return
  const info = readSoapHeader(xml)
  if (info.notUnderstood) {
    throw new GatewayError('GW_ERR_SOAP_MUST_UNDERSTAND', `Header block ${info.notUnderstood} is marked mustUnderstand and this gateway does not process it`)
  }
  const header = info.security
  if (!header) {
    if (party.requireWsSecurity) throw missing(`${party.id} must sign its SOAP calls: a wsse:Security header is required`)
    return
  }
  const limits: WsSecurityLimits = { maxAgeSeconds: envCtx.config.WSS_MAX_AGE_SECONDS, clockSkewSeconds: envCtx.config.WSS_CLOCK_SKEW_SECONDS }
  checkStructure(header)
  const cert = registeredCertificate(header.token, party, now)
  checkSignature(xml, header.signature, cert)
  checkTimestamp(header.timestamp, limits, now)
  await rememberSignature(envCtx, header.signature.value, limits)
}
