/**
 * What the node:http baselines share: listening on loopback, and closing while the load
 * generator's keep-alive connections are still open.
 */
import type { Server } from 'node:http'

/** A server listening on 127.0.0.1, and how to stop it. */
export interface LocalServer {
  server: Server
  close(): Promise<void>
}

/**
 * Listens on 127.0.0.1:port (0 picks one). `close` does not wait for the load generator's idle
 * keep-alive connections to time out, then runs `release` (e.g. closing a queue).
 */
export async function serveLocal(server: Server, port: number, release?: () => Promise<void>): Promise<LocalServer> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()))
  return {
    server,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
      await release?.()
    },
  }
}
