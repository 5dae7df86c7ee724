/**
 * `blinker-gateway <command> ...`: the operator's and integrator's command line. Commands are a
 * small table, so adding one is one entry; each returns its exit code instead of exiting, so tests
 * call main() in-process with captured output. bin/blinker-gateway.js runs the compiled copy.
 */
import { EXIT, processIo, type CliCommand, type CliIo } from './io.js'
import { auditCommand } from './audit.js'
import { conformanceCommand } from './conformance.js'
import { deadLettersCommand } from './dead-letters.js'
import { demoDataCommand } from './demo-data.js'
import { hashPasswordCommand } from './hash-password.js'
import { partiesCommand } from './parties.js'
import { reindexCommand } from './reindex.js'
import { retentionCommand } from './retention.js'
import { statsCommand } from './stats.js'
import { validateCommand } from './validate.js'

export { EXIT, type CliCommand, type CliIo } from './io.js'

export const COMMANDS: Readonly<Record<string, CliCommand>> = {
  validate: validateCommand,
  'dead-letters': deadLettersCommand,
  retention: retentionCommand,
  stats: statsCommand,
  parties: partiesCommand,
  'hash-password': hashPasswordCommand,
  audit: auditCommand,
  conformance: conformanceCommand,
  'demo-data': demoDataCommand,
  reindex: reindexCommand,
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length))
  return [
    'Usage: blinker-gateway <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `blinker-gateway <command> --help` for the options of a command.',
  ].join('\n')
}

const wantsHelp = (args: readonly string[]) => args.includes('--help') || args.includes('-h')

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) {
    io.err(usage())
    return EXIT.USAGE
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(usage())
    return EXIT.OK
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
  if (!command) {
    io.err(`blinker-gateway: unknown command "${name}"\n\n${usage()}`)
    return EXIT.USAGE
  }
  if (wantsHelp(rest)) {
    io.out(command.usage)
    return EXIT.OK
  }
  return command.run(rest, io)
}
