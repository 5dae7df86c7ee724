/** What every CLI command shares: its output channel, its shape and the exit codes. */

/** Where a command writes: lines, without their trailing newline. */
export interface CliIo {
  out(line: string): void
  err(line: string): void
}

export interface CliCommand {
  /** One line for the command list. */
  summary: string
  /** Full usage text, printed by `blinker-gateway <command> --help`. */
  usage: string
  /** Runs with the arguments after the command name; resolves to the exit code. */
  run(args: string[], io: CliIo): Promise<number>
}

/** Exit codes shared by every command: done / the input failed the check / usage or I/O problem. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const

export const processIo: CliIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
}
