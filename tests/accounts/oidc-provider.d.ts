/** The little of oidc-provider 8 (no bundled types) the OIDC test uses: a real provider on a local port. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'
  export interface ProviderConfiguration {
    clients?: Record<string, unknown>[]
    pkce?: { required?: () => boolean }
    cookies?: { keys?: string[] }
    findAccount?: (ctx: unknown, sub: string) => Promise<{ accountId: string; claims: () => Promise<Record<string, unknown>> } | undefined>
    features?: Record<string, { enabled: boolean }>
  }
  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration)
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
