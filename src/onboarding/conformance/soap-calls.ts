/**
 * The few SOAP calls the conformance runner makes, as plain text: a software house's SOAP stack
 * is its own, so the runner checks the wire (envelope in, Response or Fault out) and not a library.
 */
import type { BlinkerGatewayClient, RawAnswer } from '../../client/index.js'
import { SOAP11_NS } from '../../ingress/soap/envelope.js'
import { escapeXmlText } from '../../validation/xml-mapping.js'
import { XML_NS } from '../../validation/xsd-validator.js'


/** `<gw:Operation>` with one child per field, in the order given (the XSD's order). */
export function soapEnvelope(element: string, fields: readonly [string, string | number | undefined][]): string {
  const children = fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<gw:${k}>${escapeXmlText(String(v))}</gw:${k}>`)
    .join('')
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP11_NS}" xmlns:gw="${XML_NS}"><soapenv:Body><gw:${element}>${children}</gw:${element}></soapenv:Body></soapenv:Envelope>`
}

export function soapCall(client: BlinkerGatewayClient, operation: string, envelope: string): Promise<RawAnswer> {
  return client.send('POST', client.envPath('/soap'), {
    text: envelope,
    contentType: 'text/xml; charset=utf-8',
    headers: { soapaction: `"urn:blinker-gateway:v1#${operation}"` },
  })
}

/** Text of every element with this local name, in document order. */
export const xmlTexts = (xml: string, name: string): string[] =>
  [...xml.matchAll(new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?${name}(?:\\s[^>]*)?>([^<]*)</`, 'g'))].map((m) => m[1] ?? '')

export const xmlText = (xml: string, name: string): string | undefined => xmlTexts(xml, name)[0]

/** The GW_ERR code of a Fault answer, or undefined when it is not one. */
export const faultCode = (xml: string): string | undefined => (/<(?:\w+:)?Fault>/.test(xml) ? xmlText(xml, 'code') : undefined)
