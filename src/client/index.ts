/**
 * The software-house client, packed as @blinker-gateway/client (packages/client):
 * `import { BlinkerGatewayClient } from '@blinker-gateway/client'`. The formats module is a
 * separate entry point ('@blinker-gateway/client/formats'), so the client never loads it.
 */
export { BlinkerGatewayClient, type ClientOptions, type HttpMethod, type RawAnswer, type SendOptions } from './client.js'
export { GatewayProblemError } from './problem-error.js'
export { parseRetryAfter, RETRY_DEFAULTS, type RetryOptions } from './retry.js'
export { signBody, verifySignature } from './webhook-signature.js'
export type * from './types.js'
