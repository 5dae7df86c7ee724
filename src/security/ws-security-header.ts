/**
 * Reads what WS-Security verification needs out of a SOAP 1.1 envelope's Header, with the same
 * hardened libxml2 parse as the rest of the gateway, into plain values (the document is disposed
 * before any crypto runs). It judges structure only; ws-security.ts judges the values.
 */
import { XmlC14NMode, type XmlElement } from 'libxml2-wasm'
import { SOAP11_NS } from '../ingress/soap/envelope.js'
import { childElements, withXmlDocument } from '../validation/xsd-validator.js'

export const WSSE_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd'
export const WSU_NS = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd'
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#'

export interface SignatureReference {
  uri: string
  digestMethod: string
  transforms: string[]
}

export interface SecurityHeader {
  /** wsu:Id of the envelope's soap:Body. */
  bodyId: string | undefined
  /** More than one wsse:Security header, Timestamp, token or Signature: ambiguous, refused. */
  duplicate: string | undefined
  timestamp: { id: string | undefined; created: string | undefined; expires: string | undefined } | undefined
  token: { id: string | undefined; valueType: string; encodingType: string; base64: string } | undefined
  signature:
    | {
        /** ds:Signature in exclusive c14n: a standalone document, namespaces of ancestors included. */
        xml: string
        canonicalization: string
        algorithm: string
        references: SignatureReference[]
        /** URI of KeyInfo/SecurityTokenReference/Reference: which token holds the key. */
        keyReference: string | undefined
        value: string
      }
    | undefined
}

export interface SoapHeaderInfo {
  /** The wsse:Security header, when there is one. */
  security: SecurityHeader | undefined
  /** `{ns}name` of the first header block with mustUnderstand="1" that the gateway does not process. */
  notUnderstood: string | undefined
}

const qualified = (el: XmlElement): string => `{${el.namespaceUri}}${el.name}`
const is = (el: XmlElement | undefined, ns: string, name: string): el is XmlElement => el?.namespaceUri === ns && el.name === name

/** The attribute in a namespace, whatever prefix the sender chose ('' = no namespace). */
function attrNs(el: XmlElement, name: string, ns: string): string | undefined {
  return el.attrs.find((a) => a.name === name && (a.namespaceUri ?? '') === ns)?.value
}

const children = (el: XmlElement, ns: string, name: string): XmlElement[] => childElements(el).filter((c) => is(c, ns, name))

function readSignature(sig: XmlElement): NonNullable<SecurityHeader['signature']> {
  const signedInfo = children(sig, DS_NS, 'SignedInfo')[0]
  const references: SignatureReference[] = (signedInfo ? children(signedInfo, DS_NS, 'Reference') : []).map((ref) => ({
    uri: attrNs(ref, 'URI', '') ?? '',
    digestMethod: attrNs(children(ref, DS_NS, 'DigestMethod')[0] ?? ref, 'Algorithm', '') ?? '',
    transforms: children(ref, DS_NS, 'Transforms').flatMap((t) => children(t, DS_NS, 'Transform').map((x) => attrNs(x, 'Algorithm', '') ?? '')),
  }))
  const method = (name: string) => {
    const el = signedInfo && children(signedInfo, DS_NS, name)[0]
    return el ? (attrNs(el, 'Algorithm', '') ?? '') : ''
  }
  const keyInfo = children(sig, DS_NS, 'KeyInfo')[0]
  const str = keyInfo && children(keyInfo, WSSE_NS, 'SecurityTokenReference')[0]
  const strRef = str && children(str, WSSE_NS, 'Reference')[0]
  return {
    xml: sig.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_EXCLUSIVE_1_0 }),
    canonicalization: method('CanonicalizationMethod'),
    algorithm: method('SignatureMethod'),
    references,
    keyReference: strRef ? attrNs(strRef, 'URI', '') : undefined,
    value: (children(sig, DS_NS, 'SignatureValue')[0]?.content ?? '').replace(/\s+/g, ''),
  }
}

function readSecurity(security: XmlElement, body: XmlElement | undefined): SecurityHeader {
  const header: SecurityHeader = { bodyId: body && attrNs(body, 'Id', WSU_NS), duplicate: undefined, timestamp: undefined, token: undefined, signature: undefined }
  const timestamps = children(security, WSU_NS, 'Timestamp')
  const tokens = children(security, WSSE_NS, 'BinarySecurityToken')
  const signatures = children(security, DS_NS, 'Signature')
  for (const [what, list] of [['wsu:Timestamp', timestamps], ['wsse:BinarySecurityToken', tokens], ['ds:Signature', signatures]] as const) {
    if (list.length > 1) header.duplicate ??= `${list.length} ${what} elements`
  }
  const ts = timestamps[0]
  if (ts) {
    header.timestamp = {
      id: attrNs(ts, 'Id', WSU_NS),
      created: children(ts, WSU_NS, 'Created')[0]?.content.trim(),
      expires: children(ts, WSU_NS, 'Expires')[0]?.content.trim(),
    }
  }
  const token = tokens[0]
  if (token) {
    header.token = {
      id: attrNs(token, 'Id', WSU_NS),
      valueType: attrNs(token, 'ValueType', '') ?? '',
      encodingType: attrNs(token, 'EncodingType', '') ?? '',
      base64: token.content.replace(/\s+/g, ''),
    }
  }
  if (signatures[0]) header.signature = readSignature(signatures[0])
  return header
}

/**
 * The Header facts of an envelope that readSoapRequest has already accepted (so the root is a
 * SOAP 1.1 Envelope). Header blocks the gateway processes: wsse:Security only.
 */
export function readSoapHeader(xml: string): SoapHeaderInfo {
  return withXmlDocument(xml, (doc) => {
    const parts = childElements(doc.root)
    const headerEl = parts.find((p) => is(p, SOAP11_NS, 'Header'))
    const body = parts.find((p) => is(p, SOAP11_NS, 'Body'))
    const blocks = headerEl ? childElements(headerEl) : []
    const info: SoapHeaderInfo = { security: undefined, notUnderstood: undefined }
    const securities = blocks.filter((b) => is(b, WSSE_NS, 'Security'))
    for (const block of blocks) {
      const mu = attrNs(block, 'mustUnderstand', SOAP11_NS)?.trim()
      if ((mu === '1' || mu === 'true') && !is(block, WSSE_NS, 'Security')) {
        info.notUnderstood = qualified(block)
        break
      }
    }
    if (securities[0]) {
      info.security = readSecurity(securities[0], body)
      if (securities.length > 1) info.security.duplicate = `${securities.length} wsse:Security headers`
    }
    return info
  })
}
