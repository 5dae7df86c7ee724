/** The software-house client: `import { BlinkerGatewayClient } from '<gateway>/src/client/index.js'`. */
export { BlinkerGatewayClient, type ClientOptions, type RawAnswer, type SendOptions } from './client.js'
export { GatewayProblemError } from './problem-error.js'
export { parseRetryAfter, RETRY_DEFAULTS, type RetryOptions } from './retry.js'
export { signBody, verifySignature } from './webhook-signature.js'
export type * from './types.js'
