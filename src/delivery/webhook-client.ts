/**
 * The HTTP client of push delivery (undici). One call, bounded by the configured timeout for the
 * connection, the headers and the body; no retries of its own: BullMQ owns them, so backoff,
 * attempts and dead-lettering stay in one place.
 */
import { createHmac } from 'node:crypto'
import { isIP } from 'node:net'
import { Agent, request } from 'undici'
import { TargetGuard } from './target-guard.js'

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>` (contract section 5). */
export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

export type WebhookVerdict = 'delivered' | 'retry' | 'permanent'

/**
 * 2xx delivered; 408, 429 and 5xx are worth retrying (the receiver is busy or broken for now);
 * any other answer (4xx, and 3xx since redirects are not followed) means the request itself is
 * refused and retrying cannot help. Redirects are never followed (undici's request does not), so a
 * 3xx cannot lead the gateway to an address the target guard would refuse.
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

  /**
   * `guard` (default: one with no allow-list) judges every address connected to: IP literals
   * before the call, names inside the connection's DNS lookup (src/delivery/target-guard.ts).
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly guard: TargetGuard = new TargetGuard(),
  ) {
    this.agent = new Agent({ connect: { timeout: timeoutMs, lookup: guard.lookup }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, keepAliveTimeout: 10_000 })
  }

  /**
   * POSTs the body; resolves with the HTTP status (the answer body is discarded), rejects on
   * network errors and timeouts, and with a BlockedTargetError when the target is inside.
   */
  async post(url: string, body: string, headers: Record<string, string>): Promise<number> {
    // net.connect skips `lookup` for an IP literal, so a literal is judged here.
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
    if (isIP(host)) this.guard.checkAll([host])
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
