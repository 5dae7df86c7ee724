/**
 * Starts every queue worker for the given environments on their own blocking connections, plus
 * the outbox sweep. Each worker file exports a `start…` function registered in WORKERS below.
 */
import type { FastifyBaseLogger } from 'fastify'
import type { EnvContext } from '../context.js'
import { startDeliveryWorkers } from './delivery-worker.js'
import { startForwardWorker } from './forward-worker.js'
import { startRetention } from '../retention/retention-scheduler.js'

export interface RunningWorker {
  name: string
  /** Waits for the jobs in progress, then stops. */
  close(): Promise<void>
}

export interface RunningWorkers {
  workers: readonly RunningWorker[]
  close(): Promise<void>
}

export type WorkerStarter = (envCtx: EnvContext, redisUrl: string, log: FastifyBaseLogger) => Promise<RunningWorker>

/** The workers every environment runs; each stage adds its starter here. */
export const WORKERS: WorkerStarter[] = [startDeliveryWorkers, startForwardWorker, startRetention]

export async function startWorkers(contexts: readonly EnvContext[], redisUrl: string, log: FastifyBaseLogger): Promise<RunningWorkers> {
  const workers: RunningWorker[] = []
  for (const ctx of contexts) for (const start of WORKERS) workers.push(await start(ctx, redisUrl, log))
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()))
    },
  }
}
