/**
 * Progress bars for long operator commands (retention, dead-letter replay and purge): drawn with
 * cli-progress on stderr only when stderr is a terminal, so piped or scripted output (and --json)
 * stays clean; otherwise every call is a no-op.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  /** Sets the bar to `done` of `total` (total may grow as work is discovered). */
  update(done: number, total: number, label?: string): void
  stop(): void
}

const NONE: Progress = { update: () => {}, stop: () => {} }

/** A bar on stderr when `enabled` (default: stderr is a TTY). */
export function progressBar(title: string, enabled: boolean = Boolean(process.stderr.isTTY)): Progress {
  if (!enabled) return NONE
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true, clearOnComplete: false, noTTYOutput: true },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(Math.max(total, done, 1), done, { label })
        started = true
      }
      bar.setTotal(Math.max(total, done, 1))
      bar.update(done, { label })
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
