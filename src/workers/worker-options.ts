/**
 * The crash-recovery settings every BullMQ worker of the gateway shares. A worker process that
 * dies mid-job (SIGKILL, OOM, power loss) leaves its jobs "active" under a lock; once the lock
 * has expired (WORKER_LOCK_MS after its last renewal) another worker's stalled check (every
 * WORKER_STALLED_INTERVAL_MS) puts them back to waiting and they run again. A job that loses its
 * worker more than WORKER_MAX_STALLED times is failed with STALL_LIMIT_REASON: a message that keeps
 * killing workers lands in the dead letters instead of taking every worker down in turn.
 */
import type { WorkerOptions } from 'bullmq'
import type { Config } from '../config.js'

/** The failedReason BullMQ gives a job that stalled more than maxStalledCount times. */
export const STALL_LIMIT_REASON = 'job stalled more than allowable limit'

export type CrashRecoveryOptions = Required<Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>

/** lockDuration / stalledInterval / maxStalledCount from the configuration (defaults 30 s, 30 s as BullMQ; 5 instead of BullMQ's 1). */
export function crashRecoveryOptions(config: Pick<Config, 'WORKER_LOCK_MS' | 'WORKER_STALLED_INTERVAL_MS' | 'WORKER_MAX_STALLED'>): CrashRecoveryOptions {
  return { lockDuration: config.WORKER_LOCK_MS, stalledInterval: config.WORKER_STALLED_INTERVAL_MS, maxStalledCount: config.WORKER_MAX_STALLED }
}
