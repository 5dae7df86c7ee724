#!/usr/bin/env node
/* global process, console, URL */
// Copies the <xs:schema> of schemas/blinker-gateway.xsd, verbatim, between the BEGIN/END markers
// of wsdl/blinker-gateway.wsdl. node-soap and other clients do not reliably follow xs:include or
// xs:import from a WSDL, so the WSDL carries the whole schema; tests/validation/xsd.test.ts fails
// when the two drift apart. Run: node scripts/sync-wsdl.js
import { readFileSync, writeFileSync } from 'node:fs'

const root = new URL('../', import.meta.url)
const xsdFile = new URL('schemas/blinker-gateway.xsd', root)
const wsdlFile = new URL('wsdl/blinker-gateway.wsdl', root)
const BEGIN = '<!-- BEGIN schemas/blinker-gateway.xsd'
const END = '<!-- END schemas/blinker-gateway.xsd -->'

const xsd = readFileSync(xsdFile, 'utf8')
const schema = xsd.slice(xsd.indexOf('<xs:schema')).trim()
const wsdl = readFileSync(wsdlFile, 'utf8')
const begin = wsdl.indexOf(BEGIN)
const end = wsdl.indexOf(END)
if (begin < 0 || end < begin) {
  console.error(`${wsdlFile.pathname}: markers "${BEGIN}" / "${END}" not found`)
  process.exit(1)
}
const beginLineEnd = wsdl.indexOf('\n', begin) + 1
const next = `${wsdl.slice(0, beginLineEnd)}${schema}\n${wsdl.slice(end)}`
if (next === wsdl) {
  console.log('wsdl/blinker-gateway.wsdl already embeds the current XSD')
} else {
  writeFileSync(wsdlFile, next)
  console.log('wsdl/blinker-gateway.wsdl updated from schemas/blinker-gateway.xsd')
}
