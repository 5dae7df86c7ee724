/**
 * `blinker-gateway hash-password`: the scrypt hash of an inspector's password, as INSPECTORS_FILE
 * stores it (`passwordScrypt`, src/accounts/inspectors.ts); the gateway never keeps a password.
 * The password is read from standard input (one line), so it stays out of the shell history and
 * the process list:  printf %s "$PASSWORD" | blinker-gateway hash-password
 */
import { readFileSync } from 'node:fs'
import { DEFAULT_COST, hashPassword, MAX_PASSWORD_LENGTH } from '../accounts/password-hash.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

export const HASH_PASSWORD_USAGE = `Usage: blinker-gateway hash-password [--cost LN]

Reads a password from standard input (one line; the trailing newline is dropped) and prints its
scrypt hash for INSPECTORS_FILE (passwordScrypt), "$scrypt$ln=${DEFAULT_COST.ln},r=${DEFAULT_COST.r},p=${DEFAULT_COST.p}$<salt>$<key>":
  printf %s "$PASSWORD" | blinker-gateway hash-password
--cost LN sets N = 2^LN (default ${DEFAULT_COST.ln}, allowed 10–20).
Passwords have 12 to ${MAX_PASSWORD_LENGTH} characters.

Exit status: 0 printed, 2 wrong usage or a password that is too short or too long.`

/** Reads stdin (fd 0) synchronously; tests pass their own reader. */
export type StdinReader = () => string
const readStdin: StdinReader = () => readFileSync(0, 'utf8')

export async function runHashPassword(argv: readonly string[], io: CliIo, stdin: StdinReader = readStdin): Promise<number> {
  let ln: number = DEFAULT_COST.ln
  if (argv.length > 0) {
    const value = argv[0] === '--cost' && argv.length === 2 ? Number(argv[1]) : NaN
    if (!Number.isInteger(value) || value < 10 || value > 20) {
      io.err(`hash-password: expected no argument or --cost 10…20\n${HASH_PASSWORD_USAGE}`)
      return EXIT.USAGE
    }
    ln = value
  }
  const password = stdin().replace(/\r?\n$/, '')
  if (password.length < 12 || password.length > MAX_PASSWORD_LENGTH) {
    io.err(`hash-password: the password must have 12 to ${MAX_PASSWORD_LENGTH} characters`)
    return EXIT.USAGE
  }
  io.out(await hashPassword(password, { ...DEFAULT_COST, ln }))
  return EXIT.OK
}

export const hashPasswordCommand: CliCommand = {
  summary: 'hash an inspector password for INSPECTORS_FILE (scrypt)',
  usage: HASH_PASSWORD_USAGE,
  run: (args, io) => runHashPassword(args, io),
}
