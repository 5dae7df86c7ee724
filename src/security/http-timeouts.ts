/**
 * Slow clients: the timeouts of the Node server Fastify creates. A client that trickles its
 * headers or its body holds a socket and a parser; each is cut within seconds (408
 * GW_ERR_REQUEST_TIMEOUT, written by http-refusals.ts) and the connection freed. Node checks
 * these deadlines on a timer (`connectionsCheckingInterval`, 30 s by default, which would let a
 * 10 s limit run to 40 s): it runs here at a quarter of the shortest limit, at most every second.
 */
import type { Config } from '../config.js'
import type { HttpsOptions } from './tls-options.js'

type TimeoutConfig = Pick<Config, 'HTTP_HEADERS_TIMEOUT_MS' | 'HTTP_REQUEST_TIMEOUT_MS' | 'HTTP_KEEP_ALIVE_TIMEOUT_MS' | 'HTTP_IDLE_TIMEOUT_MS'>

/** Options of http(s).createServer: deadlines, and Host checked by the gateway (http-refusals.ts), not Node. */
export interface NodeServerLimits {
  headersTimeout: number
  requestTimeout: number
  connectionsCheckingInterval: number
  requireHostHeader: false
}

/** What buildApp passes to Fastify: its own timeout options, and Node's through `http` / `https`. */
export interface ServerTimeoutOptions {
  requestTimeout: number
  keepAliveTimeout: number
  connectionTimeout: number
  http: NodeServerLimits
  https?: HttpsOptions & NodeServerLimits
}

export function serverTimeoutOptions(config: TimeoutConfig, https?: HttpsOptions): ServerTimeoutOptions {
  const requestTimeout = config.HTTP_REQUEST_TIMEOUT_MS
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = Math.min(config.HTTP_HEADERS_TIMEOUT_MS, requestTimeout)
  const node: NodeServerLimits = {
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(headersTimeout / 4))),
    requireHostHeader: false,
  }
  return {
    requestTimeout,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeout: config.HTTP_IDLE_TIMEOUT_MS,
    http: node,
    ...(https ? { https: { ...https, ...node } } : {}),
  }
}
