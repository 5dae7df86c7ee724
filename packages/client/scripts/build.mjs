/* global process, console */
/**
 * Builds the package (run by `npm pack` through prepack, so packing never needs a manual step):
 * the ES module build of src/client into dist/ (type-checked, with declarations), then a
 * CommonJS copy of the formats module and what it imports into dist/cjs/, for ajv-plugin.cjs —
 * ajv-cli loads plugins with require(), which cannot load an ES module on Node 20.18. That copy
 * is only transpiled (the ES build has just checked the same sources), and dist/cjs/package.json
 * tells Node the folder is CommonJS although the package is "type": "module". TypeScript is the
 * gateway's devDependency: the package is built from the repository, not on its own.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = join(dirname(fileURLToPath(import.meta.url)), '..')
const SRC = resolve(HERE, '../../src')
const require = createRequire(import.meta.url)
const ts = require('typescript')

rmSync(join(HERE, 'dist'), { recursive: true, force: true })
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(HERE, 'tsconfig.json')], { stdio: 'inherit' })

/** formats.ts and every module it imports by a relative path, transitively. */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen
  seen.add(file)
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) closure(resolve(dirname(file), `${spec}.ts`), seen)
  return seen
}
for (const file of closure(join(SRC, 'client/formats.ts'))) {
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: file })
  const out = join(HERE, 'dist/cjs', relative(SRC, file)).replace(/\.ts$/, '.js')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, outputText)
}
writeFileSync(join(HERE, 'dist/cjs/package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`)
// stderr: npm pack --json owns stdout.
console.error('built packages/client/dist')
