/**
 * Raw HTTP/1.1 over node:net, for requests no HTTP client would send (malformed framing, bare CR,
 * trickled headers): what is written is exactly the bytes given, and the answer is read until the
 * server closes the connection (or `waitMs` passes).
 */
import { connect } from 'node:net'

export interface RawAnswer {
  /** Everything the server wrote. */
  text: string
  /** The status code of the first status line, or undefined when nothing came back. */
  status: number | undefined
  /** Lower-cased header names of the first answer. */
  headers: Record<string, string>
  /** The first answer's body (after the blank line). */
  body: string
  /** True when the server closed (or reset) the connection within waitMs. */
  closed: boolean
  /** Milliseconds from connecting to the close (or to waitMs). */
  ms: number
}

export interface RawOptions {
  /** Pieces written one after the other, `gapMs` apart (a trickling client); default one piece. */
  pieces?: (string | Buffer)[]
  gapMs?: number
  /** How long to wait for the close; default 5000 ms. */
  waitMs?: number
}

export function parseAnswer(text: string): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const end = text.indexOf('\r\n\r\n')
  const head = end < 0 ? text : text.slice(0, end)
  const [statusLine = '', ...lines] = head.split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return { status: status ? Number(status) : undefined, headers, body: end < 0 ? '' : text.slice(end + 4) }
}

/** Sends `request` (or `opts.pieces`) to 127.0.0.1:port and collects the answer. */
export function rawRequest(port: number, request: string | Buffer, opts: RawOptions = {}): Promise<RawAnswer> {
  const pieces = opts.pieces ?? [request]
  const waitMs = opts.waitMs ?? 5000
  return new Promise((resolve) => {
    const started = Date.now()
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1')
    let done = false
    let timer: NodeJS.Timeout | undefined
    const finish = (closed: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      clearTimeout(deadline)
      socket.destroy()
      const text = Buffer.concat(chunks).toString('utf8')
      resolve({ text, ...parseAnswer(text), closed, ms: Date.now() - started })
    }
    const deadline = setTimeout(() => finish(false), waitMs)
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('close', () => finish(true))
    socket.on('error', () => finish(true))
    socket.on('connect', () => {
      let i = 0
      const next = () => {
        if (done || socket.destroyed) return
        const piece = pieces[i++]
        if (piece === undefined) return
        socket.write(piece)
        if (i < pieces.length) timer = setTimeout(next, opts.gapMs ?? 0)
      }
      next()
    })
  })
}
