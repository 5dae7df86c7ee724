/**
 * Dead letters: jobs of a queue that failed for good (last attempt spent, or a permanent error).
 * They stay in BullMQ's failed set; this module lists, inspects and replays them for operators.
 * Replay moves a job back to waiting under the same id, so replaying twice, or replaying a job
 * that already succeeded, adds no second delivery.
 */
import type { Job, Queue } from 'bullmq'

export interface DeadLetterFilter {
  /** Only jobs whose data.party equals this (software house id, or 'inspection'). */
  party?: string
  /** Only jobs that failed at or after this instant. */
  since?: Date
  /** Only jobs that failed before this instant. */
  until?: Date
  /** At most this many (default 100). */
  limit?: number
  /** Only these job ids (an operator replaying what they inspected). */
  ids?: readonly string[]
}

export interface DeadLetter {
  queue: string
  jobId: string
  party?: string
  attempts: number
  failedAt: string | undefined
  reason: string
  data: unknown
}

function matches(job: Job, f: DeadLetterFilter): boolean {
  const data = job.data as { party?: string } | undefined
  if (f.party && data?.party !== f.party) return false
  if (f.ids && !f.ids.includes(String(job.id))) return false
  const failedOn = job.finishedOn ?? job.timestamp
  if (f.since && failedOn < f.since.getTime()) return false
  if (f.until && failedOn >= f.until.getTime()) return false
  return true
}

export function describe(queue: Queue, job: Job): DeadLetter {
  const party = (job.data as { party?: string } | undefined)?.party
  const letter: DeadLetter = {
    queue: queue.name,
    jobId: String(job.id),
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
    reason: job.failedReason ?? '',
    data: job.data,
  }
  if (party) letter.party = party
  return letter
}

/** Failed jobs matching the filter, oldest failure first. */
export async function listDeadLetters(queue: Queue, filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
  const limit = filter.limit ?? 100
  const out: DeadLetter[] = []
  const page = 500
  for (let start = 0; out.length < limit; start += page) {
    const jobs = await queue.getFailed(start, start + page - 1)
    for (const job of jobs) if (job && matches(job as Job, filter)) out.push(describe(queue, job as Job))
    if (jobs.length < page) break
  }
  return out.sort((a, b) => (a.failedAt ?? '').localeCompare(b.failedAt ?? '')).slice(0, limit)
}

/** One dead letter by job id; undefined when that job is not dead (never failed, or replayed). */
export async function getDeadLetter(queue: Queue, jobId: string): Promise<DeadLetter | undefined> {
  const job = (await queue.getJob(jobId)) as Job | undefined
  if (!job || !(await job.isFailed())) return undefined
  return describe(queue, job)
}

export async function countDeadLetters(queue: Queue): Promise<number> {
  return queue.getFailedCount()
}

export interface ReplayResult {
  dryRun: boolean
  replayed: string[]
  /** Ids that were no longer dead when replayed (already replayed by someone else). */
  skipped: string[]
}

/** Moves matching dead letters back to waiting (or only lists them with dryRun). */
export async function replayDeadLetters(queue: Queue, filter: DeadLetterFilter = {}, dryRun = false): Promise<ReplayResult> {
  const letters = await listDeadLetters(queue, filter)
  const result: ReplayResult = { dryRun, replayed: [], skipped: [] }
  for (const letter of letters) {
    if (dryRun) {
      result.replayed.push(letter.jobId)
      continue
    }
    const job = await queue.getJob(letter.jobId)
    if (!job || !(await job.isFailed())) {
      result.skipped.push(letter.jobId)
      continue
    }
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
      result.replayed.push(letter.jobId)
    } catch {
      // Raced with another replay: the job is no longer in the failed set.
      result.skipped.push(letter.jobId)
    }
  }
  return result
}
