/** Where the published files live, whether running from src/ (tests) or dist/src/ (start). */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(resolve(dir, 'package.json'))) {
    const parent = dirname(dir)
    if (parent === dir) throw new Error('package.json not found above the gateway sources')
    dir = parent
  }
  return dir
}

export const ROOT_DIR = projectRoot()
export const SCHEMAS_DIR = resolve(ROOT_DIR, 'schemas')
export const WSDL_DIR = resolve(ROOT_DIR, 'wsdl')
