import t from 'tap'
import { startGateway } from '../helpers/gateway.js'

const blockFor = (ms: number) => {
  const end = Date.now() + ms
  while (Date.now() < end) {
    // A saturated event loop, as under a burst of CPU-heavy requests.
  }
}

t.test('a saturated event loop sheds load with 503 GW_ERR_OVERLOADED and Retry-After, then recovers', async (t) => {
  const gw = await startGateway(t, { MAX_EVENT_LOOP_DELAY_MS: '30' })
  let shed: Awaited<ReturnType<typeof gw.app.inject>> | undefined
  const deadline = Date.now() + 10_000
  while (!shed && Date.now() < deadline) {
    blockFor(250)
    await new Promise((r) => setTimeout(r, 5))
    const res = await gw.app.inject({ method: 'GET', url: '/health/ready' })
    if (res.statusCode === 503 && res.json().code === 'GW_ERR_OVERLOADED') shed = res
  }
  if (!shed) throw new Error('the guard never tripped')
  t.equal(shed.headers['retry-after'], '5')
  t.match(shed.headers['content-type'], /application\/problem\+json/)
  let recovered = false
  while (!recovered && Date.now() < deadline + 10_000) {
    await new Promise((r) => setTimeout(r, 200))
    recovered = (await gw.app.inject({ method: 'GET', url: '/health/live' })).statusCode === 200
  }
  t.ok(recovered, 'answers again once the loop is free')
})

t.test('MAX_EVENT_LOOP_DELAY_MS=0 turns the guard off', async (t) => {
  const gw = await startGateway(t, { MAX_EVENT_LOOP_DELAY_MS: '0' })
  blockFor(300)
  await new Promise((r) => setTimeout(r, 5))
  t.equal((await gw.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
})
