/**
 * The outbox between a state change and its job. BullMQ's add is a script of its own, so it cannot
 * join the Lua step that stores a message. Instead that step also puts the job id in the outbox
 * (a sorted set scored by time); the job is added right after, then the id leaves the outbox. If
 * the process or Redis fails in between, `sweep` (run by the workers) adds what is left: the
 * message is never stored without its job, and the job id keeps a second add harmless.
 */
import type { JobsOptions, Queue } from 'bullmq'
import type { Redis } from 'ioredis'

export interface OutboxJob {
  name: string
  data: unknown
  opts?: JobsOptions
}

export class Outbox {
  /**
   * @param key the sorted set, e.g. keys.outbox(prefix, 'forward')
   * @param build rebuilds a job from its id (reading the stored record); undefined drops the id
   */
  constructor(
    readonly redis: Redis,
    readonly key: string,
    readonly queue: Queue,
    readonly build: (id: string) => Promise<OutboxJob | undefined>,
  ) {}

  /** Adds the jobs just recorded by a store script, then clears them from the outbox. */
  async flush(jobs: readonly (OutboxJob & { id: string })[]): Promise<void> {
    if (jobs.length === 0) return
    await this.queue.addBulk(jobs.map((j) => ({ name: j.name, data: j.data, opts: { ...j.opts, jobId: j.id } })))
    await this.redis.zrem(this.key, ...jobs.map((j) => j.id))
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
