#!/usr/bin/env node
// The installed `blinker-gateway` command. It runs the compiled CLI in dist/ so that it starts
// fast and needs no TypeScript loader; the sources are src/cli/.
import { existsSync } from 'node:fs'

const entry = new URL('../dist/src/cli/main.js', import.meta.url)
if (!existsSync(entry)) {
  console.error('blinker-gateway: the CLI is not built yet; run `npm run build` in the project folder first')
  process.exit(2)
}
const { main } = await import(entry.href)
process.exitCode = await main(process.argv.slice(2))
