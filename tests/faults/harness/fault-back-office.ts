/**
 * A local inspection back office (node:http on 127.0.0.1) that behaves like a careful real one:
 * it de-duplicates on the Idempotency-Key header (a key already taken answers 200 with no second
 * effect) and counts the EFFECTS per feedback messageId read from the body. Counting by the body's
 * messageId, not by the key, is what makes "duplicates by effect" a real check: if the gateway ever
 * forwarded one message under two keys (say, two spellings of its UUID), it would show here.
 *
 * Its mode is switched while traffic flows:
 *   ok      answer 200 after `latencyMs`
 *   500/503 answer that status, no effect
 *   slow    take the effect, answer only after `slowMs` (past FORWARD_TIMEOUT_MS: the gateway
 *           gives up and retries with the same key, which the dedup absorbs)
 *   reset   take the effect, send the status line and half a body, then destroy the socket
 *   down    the server is closed (connection refused); `up()` listens again on the same port
 * Messages `refuses` picks get 400 (a permanent refusal): the gateway must dead-letter them.
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Socket } from 'node:net'

export type BackOfficeMode = 'ok' | '500' | '503' | 'slow' | 'reset'

export class FaultBackOffice {
  mode: BackOfficeMode = 'ok'
  /** Processing time of an ok answer. */
  latencyMs = 0
  /** How long a slow answer takes. */
  slowMs = 1000
  /** Which messageIds to answer 400 (permanent); default none. */
  refuses: (messageId: string) => boolean = () => false
  /** Effects per messageId (lower case). */
  readonly effects = new Map<string, number>()
  /** The feedback code each effect carried (last one), to check WHICH content was forwarded. */
  readonly codes = new Map<string, number>()
  /** Requests that carried a key already taken: at-least-once retries absorbed by the dedup. */
  redeliveries = 0
  requests = 0
  /** Calls taken and not yet answered (ok and slow modes). */
  get inFlight(): number {
    return this.pending.size
  }
  /** Mode switches and outages so far (each counts as one injected fault). */
  faults = 0
  port = 0
  private readonly taken = new Set<string>()
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()
  private readonly pending = new Set<ServerResponse>()

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get isUp(): boolean {
    return this.server !== undefined
  }

  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => this.handle(String(req.headers['idempotency-key'] ?? ''), Buffer.concat(chunks).toString('utf8'), res))
    })
    server.on('connection', (s) => {
      this.sockets.add(s)
      s.once('close', () => this.sockets.delete(s))
    })
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', () => resolve()))
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  /** Closes the server and every connection: calls are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server
    if (!server) return
    this.server = undefined
    this.faults++
    for (const res of this.pending) res.destroy()
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  setMode(mode: BackOfficeMode): void {
    if (mode !== 'ok' && mode !== this.mode) this.faults++
    this.mode = mode
  }

  private handle(key: string, body: string, res: ServerResponse): void {
    this.requests++
    let messageId: string
    let code: number
    try {
      const feedback = (JSON.parse(body) as { feedback: { messageId: string; code: number } }).feedback
      messageId = String(feedback.messageId).toLowerCase()
      code = feedback.code
    } catch {
      res.writeHead(400).end()
      return
    }
    if (!key) {
      res.writeHead(400).end('Idempotency-Key required')
      return
    }
    if (this.refuses(messageId)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"refused"}')
      return
    }
    if (this.mode === '500' || this.mode === '503') {
      res.writeHead(Number(this.mode)).end()
      return
    }
    if (this.taken.has(key)) {
      this.redeliveries++
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"duplicate":true}')
      return
    }
    this.taken.add(key)
    this.effects.set(messageId, (this.effects.get(messageId) ?? 0) + 1)
    this.codes.set(messageId, code)
    const answer = (delay: number, send: () => void) => {
      if (delay <= 0) return send()
      this.pending.add(res)
      setTimeout(() => {
        this.pending.delete(res)
        if (!res.destroyed) send()
      }, delay)
    }
    if (this.mode === 'slow') answer(this.slowMs, () => res.writeHead(200).end('{}'))
    else if (this.mode === 'reset') {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' })
      res.write('{"accepted":')
      setImmediate(() => res.socket?.destroy())
    } else answer(this.latencyMs, () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'))
  }
}
