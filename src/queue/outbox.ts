/**
 * The outbox between a state change and its job. BullMQ's add is a script of its own, so it cannot
 * join the Lua step that stores a message. Instead that step also puts the job id in the outbox
 * (a sorted set scored by time); the job is added right after, then the id leaves the outbox. If
 * the process or Redis fails in between, `sweep` (run by the workers) adds what is left: the
 * message is never stored without its job. A second add is harmless: per-item jobs keep the id as
 * job id; the forward queue packs ids into batch jobs whose worker skips what is already done.
 */
import type { JobsOptions, Queue } from 'bullmq'
import type { Redis } from 'ioredis'

export interface OutboxJob {
  name: string
  data: unknown
  opts?: JobsOptions
}

/**
 * How long `later` waits to gather jobs, and the most it gathers before adding at once. A job add
 * costs about as much as storing a message, so gathering more per add matters at load; 10 ms is
 * nothing next to a back-office call, and a crash in between only leaves the ids to the sweep.
 */
const LATER_DELAY_MS = 10
const LATER_MAX_BATCH = 500

/** An outbox entry as a job to add: its id is the job id (so adding it twice is a no-op). */
export const withJobId = (j: OutboxJob & { id: string }): OutboxJob => ({ name: j.name, data: j.data, opts: { ...j.opts, jobId: j.id } })

export class Outbox {
  /**
   * @param key the sorted set, e.g. keys.outbox(prefix, 'forward')
   * @param build rebuilds a job from its id (reading the stored record); undefined drops the id
   * @param pack turns the entries being flushed into the jobs to add (default: one job each, job
   *   id = entry id; the forward queue packs many entries into one batch job)
   */
  constructor(
    readonly redis: Redis,
    readonly key: string,
    readonly queue: Queue,
    readonly build: (id: string) => Promise<OutboxJob | undefined>,
    readonly pack: (jobs: readonly (OutboxJob & { id: string })[]) => OutboxJob[] = (jobs) => jobs.map(withJobId),
  ) {}

  /** Adds the jobs just recorded by a store script, then clears them from the outbox. */
  async flush(jobs: readonly (OutboxJob & { id: string })[]): Promise<void> {
    if (jobs.length === 0) return
    await this.queue.addBulk(this.pack(jobs).map((j) => ({ name: j.name, data: j.data, ...(j.opts ? { opts: j.opts } : {}) })))
    await this.redis.zrem(this.key, ...jobs.map((j) => j.id))
  }

  private pending: (OutboxJob & { id: string })[] = []
  private timer: NodeJS.Timeout | undefined
  private readonly running = new Set<Promise<void>>()
  private onError: (err: unknown, count: number) => void = () => {}

  /**
   * Adds jobs already recorded in the outbox a moment later, together with others recorded in the
   * same few milliseconds: one addBulk for many answered requests instead of one add each. The
   * request does not wait; if the process dies first, `sweep` adds them. A failure is reported to
   * `onError` (logged by the caller) and left to the sweep.
   */
  later(jobs: readonly (OutboxJob & { id: string })[], onError: (err: unknown, count: number) => void = () => {}): void {
    if (jobs.length === 0) return
    this.onError = onError
    this.pending.push(...jobs)
    if (this.pending.length >= LATER_MAX_BATCH) this.kick()
    else this.timer ??= setTimeout(() => this.kick(), LATER_DELAY_MS)
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return
    const run: Promise<void> = this.flush(batch)
      .catch((err: unknown) => this.onError(err, batch.length))
      .finally(() => this.running.delete(run))
    this.running.add(run)
  }

  /** Adds what `later` still holds and waits for every add under way (graceful close, tests). */
  async settle(): Promise<void> {
    this.kick()
    await Promise.all(this.running)
  }

  /** Re-adds ids older than `olderThanMs` (a producer died between store and add). Returns how many. */
  async sweep(olderThanMs = 5000, batch = 500): Promise<number> {
    let total = 0
    for (;;) {
      const ids = await this.redis.zrangebyscore(this.key, 0, Date.now() - olderThanMs, 'LIMIT', 0, batch)
      if (ids.length === 0) return total
      const jobs: (OutboxJob & { id: string })[] = []
      for (const id of ids) {
        const job = await this.build(id)
        if (job) jobs.push({ ...job, id })
        else await this.redis.zrem(this.key, id)
      }
      await this.flush(jobs)
      total += jobs.length
      if (ids.length < batch) return total
    }
  }
}
