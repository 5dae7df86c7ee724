/**
 * One system under test: a private redis-server with AOF, the local back office, one gateway
 * process (WORKERS=none) and N worker processes, all configured for quick recovery: short locks
 * and stalled checks, quick backoff, enough attempts to outlast every outage (so "dead-lettered"
 * happens only where a scenario refuses messages on purpose), and no rate limit.
 */
import { compiledGateway } from './build.js'
import { FaultBackOffice } from './fault-back-office.js'
import { FaultRedis, type Appendfsync } from './fault-redis.js'
import { GatewayProcess } from './processes.js'

export const FAULT_ENV = {
  ENVIRONMENTS: 'acceptance',
  KEY_PREFIX: 'faults',
  LOG_LEVEL: 'warn',
  REDIS_PRIVATE: 'never',
  FORWARD_ATTEMPTS: '50',
  FORWARD_BACKOFF_MS: '50',
  FORWARD_TIMEOUT_MS: '300',
  WORKER_CONCURRENCY: '16',
  WORKER_LOCK_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  RATE_LIMIT_MAX: '0',
} as const

export class FaultSystem {
  readonly redis: FaultRedis
  readonly backOffice = new FaultBackOffice()
  gateway!: GatewayProcess
  workers: GatewayProcess[] = []
  /** Worker SIGKILLs so far. */
  workerKills = 0
  private dist = ''

  constructor(
    appendfsync: Appendfsync,
    /** Extra variables for every process (e.g. WORKER_MAX_STALLED). */
    readonly extraEnv: Record<string, string> = {},
  ) {
    this.redis = new FaultRedis(appendfsync)
  }

  get env(): Record<string, string> {
    return { ...FAULT_ENV, REDIS_URL: this.redis.url, INSPECTION_URL: this.backOffice.url, ...this.extraEnv }
  }

  /** The queue prefix the gateway uses for the acceptance environment (keys.queuePrefix). */
  get envKeys(): string {
    return `${FAULT_ENV.KEY_PREFIX}:acceptance:`
  }

  async start(workers = 2): Promise<void> {
    this.dist = await compiledGateway()
    await this.redis.start()
    await this.backOffice.up()
    this.gateway = await GatewayProcess.gateway(this.dist, this.env)
    await Promise.all(Array.from({ length: workers }, () => this.addWorker()))
  }

  async addWorker(): Promise<GatewayProcess> {
    const w = await GatewayProcess.worker(this.dist, this.env)
    this.workers.push(w)
    return w
  }

  /**
   * SIGKILLs one running worker (in the middle of whatever it runs) and starts a replacement in
   * the background (a worker process takes seconds to start on a busy machine; the next kill need
   * not wait for it). `replacements()` waits for those still starting.
   */
  async killWorker(index: number): Promise<void> {
    const victim = this.workers[index]
    if (!victim) return
    this.workers.splice(index, 1)
    await victim.stop('SIGKILL')
    this.workerKills++
    const replacement: Promise<void> = this.addWorker().then(
      () => void this.starting.delete(replacement),
      (err: unknown) => {
        this.starting.delete(replacement)
        this.startErrors.push(err)
      },
    )
    this.starting.add(replacement)
  }

  /** Workers being started by killWorker, and why any failed to start. */
  readonly starting = new Set<Promise<void>>()
  readonly startErrors: unknown[] = []

  async replacements(): Promise<void> {
    await Promise.all([...this.starting])
    if (this.startErrors.length > 0) throw this.startErrors[0]
  }

  /** A new gateway process (after a SIGTERM or SIGKILL of the old one). */
  async restartGateway(): Promise<void> {
    this.gateway = await GatewayProcess.gateway(this.dist, this.env)
  }

  async stop(): Promise<void> {
    await Promise.all([this.gateway?.stop('SIGTERM'), ...this.workers.map((w) => w.stop('SIGTERM'))])
    await this.backOffice.down()
    await this.redis.stop()
  }
}
