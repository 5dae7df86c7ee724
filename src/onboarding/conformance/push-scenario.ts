/**
 * push-signature: the runner is the webhook. It listens on a local port, subscribes the party to
 * it, has the sandbox publish one blinker, waits for that blinker's POST, checks the body and the
 * X-Blinker-Signature HMAC with the secret it chose, then deletes the subscription again.
 * A party that already has a subscription is not touched (its secret cannot be restored): the
 * scenario fails with what to do.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../client/index.js'
import { fail, sandboxBlinker, type Scenario, type ScenarioContext } from './scenario-kit.js'

interface Delivery {
  body: string
  signature: string | undefined
  id: string | undefined
}

async function listen(ctx: ScenarioContext, deliveries: Delivery[], onDelivery: () => void): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      deliveries.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['x-blinker-signature'] as string | undefined, id: req.headers['x-blinker-delivery'] as string | undefined })
      res.writeHead(204).end()
      onDelivery()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(ctx.push.port, ctx.push.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return { server, url: ctx.push.publicUrl ?? `http://${ctx.push.host.includes(':') ? `[${ctx.push.host}]` : ctx.push.host}:${port}/blinkers` }
}

export const pushScenario: Scenario = {
  name: 'push-signature',
  summary: 'a subscribed webhook receives the new blinker, signed X-Blinker-Signature: sha256=HMAC(secret, body)',
  async run(ctx) {
    const existing = await ctx.client.getSubscription()
    if (existing) fail(`the party already has a push subscription to ${existing.url}; the runner will not replace it (its secret cannot be restored): DELETE /v1/subscriptions/self in acceptance, then run again`)
    const deliveries: Delivery[] = []
    let wake: () => void = () => {}
    const { server, url } = await listen(ctx, deliveries, () => wake())
    const secret = randomBytes(24).toString('hex')
    try {
      await ctx.client.subscribe(url, secret)
      const b = await sandboxBlinker(ctx, 'PENSION')
      const deadline = Date.now() + ctx.push.timeoutMs
      let mine: Delivery | undefined
      while (!(mine = deliveries.find((d) => d.id === b.blinkerId)) && Date.now() < deadline) {
        await new Promise<void>((resolve) => {
          wake = resolve
          setTimeout(resolve, Math.min(250, Math.max(0, deadline - Date.now())))
        })
      }
      if (!mine) fail(`no push of ${b.blinkerId} reached ${url} within ${ctx.push.timeoutMs} ms (${deliveries.length} other request(s) received); is the gateway able to reach that URL (--push-url)?`)
      const got = mine as Delivery
      if (!verifySignature(got.body, got.signature, secret)) fail(`X-Blinker-Signature ${got.signature ?? '(missing)'} is not sha256=HMAC-SHA256(secret, body)`)
      const pushed = JSON.parse(got.body) as { blinkerId?: string; status?: string; publishedAt?: string }
      if (pushed.blinkerId !== b.blinkerId || !pushed.status || !pushed.publishedAt) fail(`pushed body is not the blinker ${b.blinkerId} with status and publishedAt: ${got.body.slice(0, 200)}`)
    } finally {
      await ctx.client.unsubscribe().catch(() => {})
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  },
}
