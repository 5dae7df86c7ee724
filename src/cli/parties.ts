/**
 * `blinker-gateway parties hash-token [TOKEN]`: the SHA-256 hex of a token, as the parties file
 * stores it (`tokenSha256`); the gateway never keeps a token in clear. The token comes from the
 * argument or, safer (it stays out of the shell history), from standard input (`-` or nothing).
 */
import { readFileSync } from 'node:fs'
import { hashToken } from '../parties/parties.js'
import { EXIT, type CliCommand, type CliIo } from './io.js'

export const PARTIES_USAGE = `Usage: blinker-gateway parties hash-token [TOKEN | -]

Prints the SHA-256 hex of TOKEN for the parties file (tokenSha256). Without TOKEN, or with -,
reads the token from standard input (one line; surrounding whitespace is ignored), which keeps it
out of the shell history:  printf %s "$TOKEN" | blinker-gateway parties hash-token

Exit status: 0 printed, 2 wrong usage or empty token.`

/** Reads stdin (fd 0) synchronously; tests pass their own reader. */
export type StdinReader = () => string
const readStdin: StdinReader = () => readFileSync(0, 'utf8')

export async function runParties(argv: readonly string[], io: CliIo, stdin: StdinReader = readStdin): Promise<number> {
  const [action, ...rest] = argv
  if (action !== 'hash-token' || rest.length > 1 || rest.some((a) => a.startsWith('-') && a !== '-')) {
    io.err(`parties: expected hash-token [TOKEN | -]\n${PARTIES_USAGE}`)
    return EXIT.USAGE
  }
  const given = rest[0]
  const token = (given === undefined || given === '-' ? stdin() : given).trim()
  // Tokens are what the auth hook accepts: printable ASCII, 1–512 characters.
  if (!/^[\x21-\x7e]{1,512}$/.test(token)) {
    io.err('parties: the token must be 1 to 512 printable ASCII characters without spaces')
    return EXIT.USAGE
  }
  io.out(hashToken(token))
  return EXIT.OK
}

export const partiesCommand: CliCommand = {
  summary: 'hash a party token for the parties file (sha256 hex)',
  usage: PARTIES_USAGE,
  run: (args, io) => runParties(args, io),
}
