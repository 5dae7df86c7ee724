/**
 * Blinker fixtures and small helpers for the publication/delivery tests: valid blinkers with
 * distinct ids, publishing through the real route, polling with a deadline, webhook servers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'
import { EXAMPLE_BLINKER } from '../../src/docs/examples.js'
import type { Blinker } from '../../src/domain/model.js'
import { auth, TOKENS, type TestGateway } from './gateway.js'

export const CPAS = { alpha1: '0212344876', alpha2: '0207151616', beta: '0207017596' } as const

let counter = Math.floor(Math.random() * 1e6) * 1000

/** A valid blinker with a fresh id (or the given one) for a CPAS. */
export function blinker(cpasKbo: string = CPAS.alpha1, overrides: Partial<Blinker> = {}): Blinker {
  counter++
  // A deep copy: a test may change a fixture's nested parts without touching the documentation's sample.
  return { ...structuredClone(EXAMPLE_BLINKER), blinkerId: `CLI-2026-${String(counter).padStart(9, '0')}`, cpasKbo, ...overrides }
}

export const blinkers = (n: number, cpasKbo: string = CPAS.alpha1): Blinker[] => Array.from({ length: n }, () => blinker(cpasKbo))

type Env = 'acceptance' | 'production'

export async function publish(gw: TestGateway, items: unknown[], env: Env = 'acceptance') {
  return gw.app.inject({ method: 'POST', url: `/${env}/v1/blinkers`, headers: auth(TOKENS[env].publisher), payload: { blinkers: items } })
}

export async function pull(gw: TestGateway, token: string, kbo: string, query = '', env: Env = 'acceptance') {
  return gw.app.inject({ method: 'GET', url: `/${env}/v1/cpas/${kbo}/blinkers${query}`, headers: auth(token) })
}

/** Polls `check` until it returns a truthy value or the deadline passes (then fails the test). */
export async function until<T>(t: Test, what: string, check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > deadline) {
      t.fail(`timed out waiting for ${what}`)
      return value
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

export interface Received {
  headers: IncomingMessage['headers']
  body: string
  status: number
}

export interface Webhook {
  url: string
  /** Every request received, with the status answered. */
  received: Received[]
  /** Decides the answer per request; default 200. Return 'hang' to never answer. */
  answer: (req: IncomingMessage, body: string) => number | 'hang'
  close(): Promise<void>
}

/**
 * The gateway refuses webhooks pointing inside (loopback included); a test whose receiver is the
 * local one below allows it as an operator would (WEBHOOK_ALLOW_PRIVATE_CIDRS).
 */
export const ALLOW_LOCAL_WEBHOOKS = { WEBHOOK_ALLOW_PRIVATE_CIDRS: '127.0.0.1,::1' } as const

/** A local webhook receiver on port 0 (127.0.0.1: needs ALLOW_LOCAL_WEBHOOKS), closed on teardown. */
export async function webhook(t: Test, answer: Webhook['answer'] = () => 200): Promise<Webhook> {
  const hanging = new Set<ServerResponse>()
  const hook: Webhook = {
    url: '',
    received: [],
    answer,
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const status = hook.answer(req, body)
      if (status === 'hang') {
        hook.received.push({ headers: req.headers, body, status: 0 })
        hanging.add(res)
        return
      }
      hook.received.push({ headers: req.headers, body, status })
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  t.teardown(() => hook.close())
  return hook
}

/** Delivery ids the webhook accepted (2xx), in arrival order. */
export const acceptedIds = (hook: Webhook): string[] =>
  hook.received.filter((r) => r.status >= 200 && r.status < 300).map((r) => String(r.headers['x-blinker-delivery']))
