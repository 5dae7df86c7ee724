/**
 * A small typed client of the gateway's REST API for a software house's Node code. It uses only
 * Node's own fetch (no dependency, so the packed package installs without a registry). Every call:
 * Bearer token, a time limit, retries on 429/503 honouring Retry-After (retry.ts), and a
 * GatewayProblemError carrying status, GW_ERR code and field errors on failure.
 *
 *   const gw = new BlinkerGatewayClient({ baseUrl: 'https://gateway.example', environment: 'acceptance', token })
 *   for await (const page of gw.mailboxPages('0212344876', { after: savedCursor })) { ...; save(page.next) }
 */
import { asProblem, GatewayProblemError } from './problem-error.js'
import { parseRetryAfter, RETRY_DEFAULTS, RETRYABLE, retryDelay, type RetryOptions } from './retry.js'
import type {
  BlinkerPage,
  ConformanceRecord,
  ConformanceRun,
  DecisionRequest,
  DecisionResult,
  Feedback,
  FeedbackBatchResult,
  FeedbackCatalogue,
  FeedbackStatusView,
  PublishedBlinker,
  Receipt,
  Blinker,
  SandboxBlinkersRequest,
  SandboxProfile,
  SandboxResetResult,
  Subscription,
} from './types.js'

/** The HTTP methods the gateway's API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD'

export interface ClientOptions {
  /** Gateway root, e.g. `https://gateway.example` (no environment segment). */
  baseUrl: string
  /** Environment the token belongs to; default 'acceptance'. */
  environment?: 'acceptance' | 'production'
  /** The party's Bearer token. */
  token: string
  /** Retry policy on 429/503; default RETRY_DEFAULTS (4 attempts, 500 ms base, 60 s cap). */
  retry?: RetryOptions
  /** Longest time one attempt may take, answer and body; default 30 000 ms. */
  timeoutMs?: number
  /**
   * An undici dispatcher (proxy, mTLS agent) handed to fetch as its `dispatcher` option; typed
   * loosely so the package needs no undici types. Default: Node's global one.
   */
  dispatcher?: object
  /** How the client waits between attempts; default setTimeout (tests pass a recorder). */
  sleep?: (ms: number) => Promise<void>
}

/** A raw answer (send() never throws on an HTTP status). */
export interface RawAnswer {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown
  text: string
  /** Attempts made (1 when the first answer was final). */
  attempts: number
}

export interface SendOptions {
  /** A JSON value to send (content-type application/json). */
  json?: unknown
  /** A text body sent as is, with `contentType`. */
  text?: string
  contentType?: string
  headers?: Record<string, string>
  /** Send no Authorization header (public paths, or to test refusals). */
  anonymous?: boolean
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export class BlinkerGatewayClient {
  readonly baseUrl: string
  readonly environment: 'acceptance' | 'production'
  readonly #token: string
  readonly #retry: Required<RetryOptions>
  readonly #timeoutMs: number
  readonly #dispatcher: object | undefined
  readonly #sleep: (ms: number) => Promise<void>

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '')
    this.environment = opts.environment ?? 'acceptance'
    this.#token = opts.token
    this.#retry = { ...RETRY_DEFAULTS, ...opts.retry }
    this.#timeoutMs = opts.timeoutMs ?? 30_000
    this.#dispatcher = opts.dispatcher
    this.#sleep = opts.sleep ?? defaultSleep
  }

  /** `/v1/...` of this client's environment as a path from the root. */
  envPath(path: string): string {
    return `/${this.environment}${path}`
  }

  /** One call with the retry policy; answers whatever status came last. */
  async send(method: HttpMethod, path: string, opts: SendOptions = {}): Promise<RawAnswer> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json, text/xml', ...opts.headers }
    if (!opts.anonymous) headers.authorization = `Bearer ${this.#token}`
    let body: string | undefined
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json)
      headers['content-type'] = 'application/json'
    } else if (opts.text !== undefined) {
      body = opts.text
      headers['content-type'] = opts.contentType ?? 'text/plain; charset=utf-8'
    }
    for (let attempt = 1; ; attempt++) {
      const init = { method, headers, body, signal: AbortSignal.timeout(this.#timeoutMs), ...(this.#dispatcher ? { dispatcher: this.#dispatcher } : {}) }
      const res = await fetch(`${this.baseUrl}${path}`, init as RequestInit)
      const text = await res.text()
      const answerHeaders = Object.fromEntries(res.headers)
      const type = answerHeaders['content-type'] ?? ''
      let parsed: unknown = text
      if (/json/.test(type) && text !== '') {
        try {
          parsed = JSON.parse(text)
        } catch {
          parsed = text
        }
      }
      const answer: RawAnswer = { status: res.status, headers: answerHeaders, body: parsed, text, attempts: attempt }
      if (!RETRYABLE.has(res.status) || attempt >= this.#retry.maxAttempts) return answer
      const wait = retryDelay(attempt, parseRetryAfter(answerHeaders['retry-after']), this.#retry)
      if (wait > this.#retry.maxDelayMs) return answer
      await this.#sleep(wait)
    }
  }

  /** A call that must answer `expected`; its JSON body, typed. */
  async #call<T>(method: HttpMethod, path: string, expected: number, opts: SendOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts)
    if (res.status !== expected) throw new GatewayProblemError(`${method} ${path}`, res.status, asProblem(res.body), res.text)
    return res.body as T
  }

  // ---- mailbox and lifecycle ----

  pullMailbox(cpasKbo: string, opts: { after?: string; limit?: number } = {}): Promise<BlinkerPage> {
    const query = new URLSearchParams()
    if (opts.after) query.set('after', opts.after)
    if (opts.limit !== undefined) query.set('limit', String(opts.limit))
    const qs = query.size > 0 ? `?${query}` : ''
    return this.#call<BlinkerPage>('GET', this.envPath(`/v1/cpas/${cpasKbo}/blinkers${qs}`), 200)
  }

  /**
   * Pages from `after` until the mailbox is drained for now (a page shorter than `limit`). Keep the
   * last page's `next`: it is where the next poll starts, so nothing is missed or read twice.
   */
  async *mailboxPages(cpasKbo: string, opts: { after?: string; limit?: number } = {}): AsyncGenerator<BlinkerPage> {
    const limit = opts.limit ?? 100
    let after = opts.after
    for (;;) {
      const page = await this.pullMailbox(cpasKbo, { limit, ...(after ? { after } : {}) })
      yield page
      if (page.blinkers.length < limit) return
      after = page.next
    }
  }

  /** Every blinker from `after` on, and the cursor to poll from next time. */
  async drainMailbox(cpasKbo: string, opts: { after?: string; limit?: number } = {}): Promise<{ blinkers: PublishedBlinker[]; next: string }> {
    const blinkers: PublishedBlinker[] = []
    let next = opts.after ?? ''
    for await (const page of this.mailboxPages(cpasKbo, opts)) {
      blinkers.push(...page.blinkers)
      next = page.next
    }
    return { blinkers, next }
  }

  async acknowledge(blinkerId: string): Promise<void> {
    await this.#call('POST', this.envPath(`/v1/blinkers/${blinkerId}/acknowledgements`), 204)
  }

  getBlinker(blinkerId: string): Promise<PublishedBlinker> {
    return this.#call('GET', this.envPath(`/v1/blinkers/${blinkerId}`), 200)
  }

  // ---- feedback ----

  submitFeedback(feedback: Feedback): Promise<Receipt> {
    return this.#call('POST', this.envPath('/v1/feedback'), 202, { json: feedback })
  }

  submitFeedbackBatch(feedback: Feedback[]): Promise<FeedbackBatchResult> {
    return this.#call('POST', this.envPath('/v1/feedback'), 202, { json: { feedback } })
  }

  getFeedback(messageId: string): Promise<FeedbackStatusView> {
    return this.#call('GET', this.envPath(`/v1/feedback/${messageId}`), 200)
  }

  /** The inspection's decision (an inspection token). */
  decide(decision: DecisionRequest): Promise<DecisionResult> {
    return this.#call('POST', this.envPath('/v1/decisions'), 200, { json: decision })
  }

  /** The code catalogue (public; codes, kinds, flows, labels). */
  feedbackCodes(): Promise<FeedbackCatalogue> {
    return this.#call('GET', '/schemas/feedback-codes.json', 200, { anonymous: true })
  }

  // ---- push subscription ----

  subscribe(url: string, secret: string): Promise<Subscription> {
    return this.#call('PUT', this.envPath('/v1/subscriptions/self'), 200, { json: { url, secret } })
  }

  /** The current subscription, or undefined when the party only pulls. */
  async getSubscription(): Promise<Subscription | undefined> {
    try {
      return await this.#call<Subscription>('GET', this.envPath('/v1/subscriptions/self'), 200)
    } catch (err) {
      if (err instanceof GatewayProblemError && err.status === 404) return undefined
      throw err
    }
  }

  async unsubscribe(): Promise<void> {
    await this.#call('DELETE', this.envPath('/v1/subscriptions/self'), 204)
  }

  // ---- acceptance sandbox and conformance ----

  sandboxProfile(): Promise<SandboxProfile> {
    return this.#call('GET', this.envPath('/v1/sandbox/profile'), 200)
  }

  async createSandboxBlinkers(req: SandboxBlinkersRequest): Promise<Blinker[]> {
    return (await this.#call<{ blinkers: Blinker[] }>('POST', this.envPath('/v1/sandbox/blinkers'), 201, { json: req })).blinkers
  }

  resetSandboxMailbox(cpasKbo: string): Promise<SandboxResetResult> {
    return this.#call('POST', this.envPath('/v1/sandbox/mailbox/reset'), 200, { json: { cpasKbo } })
  }

  sandboxDecision(decision: DecisionRequest): Promise<DecisionResult> {
    return this.#call('POST', this.envPath('/v1/sandbox/decisions'), 200, { json: decision })
  }

  recordConformanceRun(run: ConformanceRun): Promise<ConformanceRecord> {
    return this.#call('POST', this.envPath('/v1/conformance/results'), 201, { json: run })
  }

  latestConformanceRun(): Promise<ConformanceRecord> {
    return this.#call('GET', this.envPath('/v1/conformance/results/latest'), 200)
  }
}
