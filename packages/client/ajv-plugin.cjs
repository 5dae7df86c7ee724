/**
 * ajv-cli plugin: `ajv validate --spec=draft2020 -c ajv-formats -c ./node_modules/@blinker-gateway/client/ajv-plugin.cjs ...`.
 * ajv-cli calls `require(plugin)(ajv)`, so this file is CommonJS and exports the function itself:
 * it adds the `kbo` and `niss` formats, with the gateway's own checks (dist/cjs is the CommonJS
 * build of src/client/formats.ts).
 */
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- ajv-cli requires CommonJS
const formats = require('./dist/cjs/client/formats.js')

module.exports = formats.addBlinkerFormats
