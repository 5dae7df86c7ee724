/**
 * The WSDL per environment. wsdl/blinker-gateway.wsdl is published as is under /schemas/ with a
 * placeholder address; GET /{env}/soap?wsdl serves the same file with soap:address pointing at
 * that environment's endpoint, so a client generated from it calls the right environment.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { FastifyRequest } from 'fastify'
import type { EnvContext } from '../../context.js'
import { WSDL_DIR } from '../../paths.js'
import { escapeXmlAttribute } from '../../validation/xml-mapping.js'

export const WSDL_FILE = resolve(WSDL_DIR, 'blinker-gateway.wsdl')

/** The address written in the published file (a local start's acceptance endpoint). */
export const WSDL_ADDRESS_PLACEHOLDER = 'http://localhost:3000/acceptance/soap'

const PLACEHOLDER_ATTRIBUTE = `location="${WSDL_ADDRESS_PLACEHOLDER}"`
const template = readFileSync(WSDL_FILE, 'utf8')
if (!template.includes(PLACEHOLDER_ATTRIBUTE)) throw new Error(`${WSDL_FILE} has no soap:address ${PLACEHOLDER_ATTRIBUTE}`)

/** The WSDL with its soap:address set to `address`. */
export const wsdlFor = (address: string): string => template.replace(PLACEHOLDER_ATTRIBUTE, `location="${escapeXmlAttribute(address)}"`)

// A Host header is the caller's to choose: anything but a plain host[:port] falls back to localhost.
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$/

/**
 * Endpoint of this environment: PUBLIC_BASE_URL when configured (behind a proxy the request's
 * Host is not what clients use), else the scheme and Host of the request that asked.
 */
export function soapAddress(request: FastifyRequest, envCtx: EnvContext): string {
  const configured = envCtx.config.PUBLIC_BASE_URL
  const base = configured ? configured.replace(/\/+$/, '') : `${request.protocol}://${HOST.test(request.host) ? request.host : 'localhost'}`
  return `${base}/${envCtx.env}/soap`
}
