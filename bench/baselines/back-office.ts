/**
 * The local inspection back office both end-to-end runs forward to: POST /feedback → 200, counts
 * arrivals and keeps the time of the last one. The orchestrator asks over IPC
 * ({ type: 'count' } → { count, lastAt }) and resets it between runs ({ type: 'reset' }).
 */
import { createServer } from 'node:http'
import { isMain, need } from '../lib/main.js'
import { serveLocal, type LocalServer } from './local-http.js'

export interface BackOfficeState {
  count: number
  /** Date.now() of the last arrival (comparable across processes of one machine). */
  lastAt: number
}

export interface BackOfficeServer extends LocalServer {
  state: BackOfficeState
}

export async function backOfficeServer(port: number): Promise<BackOfficeServer> {
  const state: BackOfficeState = { count: 0, lastAt: 0 }
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/feedback') {
      req.resume()
      req.on('end', () => {
        state.count++
        state.lastAt = Date.now()
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
      })
      return
    }
    res.writeHead(req.url === '/health' ? 200 : 404).end()
  })
  server.keepAliveTimeout = 30_000
  return { ...(await serveLocal(server, port)), state }
}

if (isMain(import.meta.url)) {
  const office = await backOfficeServer(Number(need('PORT')))
  process.on('message', (msg: { type: string }) => {
    if (msg.type === 'reset') Object.assign(office.state, { count: 0, lastAt: 0 })
    process.send?.({ type: 'state', ...office.state })
  })
  process.once('SIGTERM', () => void office.close().then(() => process.exit(0)))
}
