/**
 * The raw end-to-end baseline: a BullMQ Worker on the baseline's e2e queue that POSTs each job's
 * data to the back office with undici (one keep-alive Pool, same size as the gateway's) and fails
 * the job on a non-2xx. Same concurrency as the gateway's forward worker (WORKER_CONCURRENCY).
 * No state read, no record of the outcome: the gateway's extra work is what the ratio prices.
 */
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import { Pool } from 'undici'
import { isMain, need } from '../lib/main.js'
import { BASELINE_QUEUES } from './rest-baseline.js'

export interface WorkerBaseline {
  close(): Promise<void>
}

export async function workerBaseline(redisUrl: string, prefix: string, backOfficeUrl: string, concurrency: number): Promise<WorkerBaseline> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null })
  const pool = new Pool(backOfficeUrl, { connections: 32, keepAliveTimeout: 10_000 })
  const worker = new Worker(
    BASELINE_QUEUES.e2e,
    async (job) => {
      const res = await pool.request({
        method: 'POST',
        path: '/feedback',
        headers: { 'content-type': 'application/json', 'idempotency-key': String(job.id) },
        body: JSON.stringify(job.data),
      })
      await res.body.dump()
      if (res.statusCode >= 300) throw new Error(`back office answered ${res.statusCode}`)
    },
    { connection, prefix, concurrency },
  )
  await worker.waitUntilReady()
  return {
    async close() {
      await worker.close()
      await pool.close()
      connection.disconnect()
    },
  }
}

if (isMain(import.meta.url)) {
  const w = await workerBaseline(need('REDIS_URL'), need('BENCH_PREFIX'), need('BACK_OFFICE_URL'), Number(process.env.WORKER_CONCURRENCY ?? 16))
  process.send?.({ type: 'ready' })
  process.once('SIGTERM', () => void w.close().then(() => process.exit(0)))
}
