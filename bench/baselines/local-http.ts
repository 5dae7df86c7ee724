/**
 * What the node:http baselines share: listening on loopback, and closing while the load
 * generator's keep-alive connections are still open.
 */
import type { Server } from 'node:http'

/** Listens on 127.0.0.1:port (0 picks one). */
export async function listenLocal(server: Server, port: number): Promise<void> {
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()))
}

/** Closes the server without waiting for idle keep-alive connections to time out. */
export async function closeLocal(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((r) => server.close(() => r()))
}
