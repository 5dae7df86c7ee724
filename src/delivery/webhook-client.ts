/**
 * The HTTP client of push delivery (undici). One call, bounded by the configured timeout for the
 * connection, the headers and the body; no retries of its own: BullMQ owns them, so backoff,
 * attempts and dead-lettering stay in one place.
 */
import { createHmac } from 'node:crypto'
import { Agent, request } from 'undici'

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>` (contract section 5). */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export type WebhookVerdict = 'delivered' | 'retry' | 'permanent'

/**
 * 2xx delivered; 408, 429 and 5xx are worth retrying (the receiver is busy or broken for now);
 * any other answer (4xx, and 3xx since redirects are not followed) means the request itself is
 * refused and retrying cannot help.
 */
export function classifyStatus(status: number): WebhookVerdict {
  if (status >= 200 && status < 300) return 'delivered'
  if (status === 408 || status === 429 || status >= 500) return 'retry'
  return 'permanent'
}

/** A non-2xx answer; `statusCode` feeds the metrics' failure cause. */
export class WebhookStatusError extends Error {
  override name = 'WebhookStatusError'
  constructor(readonly statusCode: number) {
    super(`webhook answered HTTP ${statusCode}`)
  }
}

export class WebhookClient {
  private readonly agent: Agent

  constructor(private readonly timeoutMs: number) {
    this.agent = new Agent({ connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 10_000 })
  }

  /** POSTs the body; resolves with the HTTP status (the answer body is discarded), rejects on network errors and timeouts. */
  async post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      dispatcher: this.agent,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    })
    await res.body.dump({ limit: 64 * 1024 })
    return res.statusCode
  }

  async close(): Promise<void> {
    await this.agent.close()
  }
}
