/** The error every failed call of the client throws: the gateway's problem document, typed. */
import type { Problem } from './types.js'

export class GatewayProblemError extends Error {
  override name = 'GatewayProblemError'
  /** HTTP status of the answer. */
  readonly status: number
  /** The stable GW_ERR_* code ('GW_ERR_UNKNOWN' when the answer was not a problem document). */
  readonly code: string
  /** Field-level problems, when the gateway gave some. */
  readonly errors: NonNullable<Problem['errors']>
  readonly problem: Problem | undefined
  /** Method and path of the call, for the message and logs. */
  readonly call: string

  constructor(call: string, status: number, problem: Problem | undefined, text = '') {
    const code = problem?.code ?? 'GW_ERR_UNKNOWN'
    super(`${call} → ${status} ${code}: ${problem?.detail ?? (text.slice(0, 200) || 'no problem document')}`)
    this.call = call
    this.status = status
    this.code = code
    this.errors = problem?.errors ?? []
    this.problem = problem
  }
}

/** A problem document, if `body` looks like one. */
export function asProblem(body: unknown): Problem | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const p = body as Partial<Problem>
  return typeof p.code === 'string' && typeof p.status === 'number' ? (p as Problem) : undefined
}
