/**
 * One schema for every environment variable, validated at start. A wrong value stops the start
 * with a message naming the variable; the result is typed and frozen. The README's configuration
 * table is pinned to this schema by tests/config.test.ts.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

export const ENVIRONMENTS = ['acceptance', 'production'] as const
export type EnvName = (typeof ENVIRONMENTS)[number]

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description })

/** Every variable the gateway reads, with its default. */
export const ConfigSchema = Type.Object({
  HOST: Type.String({ default: '0.0.0.0', minLength: 1, description: 'Address the HTTP server listens on.' }),
  PORT: Int(0, 65535, 3000, 'HTTP port (0 picks a free one).'),
  ENVIRONMENTS: Type.String({
    default: 'acceptance,production',
    pattern: '^(acceptance|production)(,(acceptance|production))?$',
    description: 'Environments this deployment serves, comma-separated; paths of the others answer 404.',
  }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis to use. Unset: 127.0.0.1:6379 if it answers, else a private redis-server.' })),
  REDIS_PRIVATE: Type.Union([Type.Literal('auto'), Type.Literal('never')], {
    default: 'auto',
    description: 'Without REDIS_URL and no Redis on 127.0.0.1:6379: start a private redis-server (auto) or stop (never).',
  }),
  KEY_PREFIX: Type.String({ default: 'bgw', pattern: '^[A-Za-z0-9_.-]{1,40}$', description: 'Prefix of every Redis key (then the environment).' }),
  PARTIES_FILE: Type.Optional(Type.String({ minLength: 1, description: 'JSON file of parties per environment. Unset: the demo parties, with a warning.' })),
  INSPECTION_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'Inspection back office; feedback is POSTed to {INSPECTION_URL}/feedback. Unset: the built-in inspection inbox.' })),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://', description: 'External base URL written in the WSDL soap:address. Unset: taken from the request Host.' })),
  BODY_LIMIT: Int(1024, 64 * 1024 * 1024, 1024 * 1024, 'Largest request body in bytes; larger answers 413.'),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), {
    default: 'info',
    description: 'pino log level.',
  }),
  WORKERS: Type.Union([Type.Literal('inline'), Type.Literal('none')], {
    default: 'inline',
    description: 'inline: `npm start` also runs the queue workers; none: run them with `node dist/src/worker.js`.',
  }),
  WORKER_CONCURRENCY: Int(1, 1000, 16, 'Jobs each worker runs at once.'),
  DELIVERY_ATTEMPTS: Int(1, 100, 10, 'Attempts of a push delivery before it is dead-lettered.'),
  DELIVERY_BACKOFF_MS: Int(10, 3_600_000, 2000, 'First retry delay of a push delivery (exponential, with jitter).'),
  DELIVERY_TIMEOUT_MS: Int(100, 300_000, 10_000, 'Timeout of one webhook call.'),
  WEBHOOK_ALLOW_PRIVATE_CIDRS: Type.Optional(Type.String({
    pattern: '^[0-9A-Fa-f:./, ]*$',
    description: 'Comma-separated IPv4/IPv6 addresses or CIDRs a push webhook may reach although they are loopback, private, link-local or otherwise inside (e.g. 10.20.0.0/16 for an internal receiver, 127.0.0.1 for a local demo). Unset: webhooks pointing inside are refused.',
  })),
  FORWARD_ATTEMPTS: Int(1, 100, 12, 'Attempts of a forward to the inspection before it is dead-lettered.'),
  FORWARD_BACKOFF_MS: Int(10, 3_600_000, 2000, 'First retry delay of a forward (exponential, with jitter).'),
  FORWARD_TIMEOUT_MS: Int(100, 300_000, 10_000, 'Timeout of one back-office call.'),
  RETENTION_DAYS: Int(1, 36_500, 400, 'Closed blinkers and finished feedback untouched this many days lose their personal data and comments (metadata for statistics stays).'),
  RETENTION_INTERVAL_MINUTES: Int(0, 10_080, 60, 'How often the worker processes run retention; 0 = never (run `blinker-gateway retention` yourself).'),
  WORKER_LOCK_MS: Int(500, 600_000, 30_000, 'Lock of a job in progress; a worker that dies mid-job frees it this long after its last renewal (BullMQ lockDuration).'),
  WORKER_STALLED_INTERVAL_MS: Int(200, 600_000, 30_000, 'How often workers look for jobs whose worker died, to run them again (BullMQ stalledInterval).'),
  WORKER_MAX_STALLED: Int(0, 1000, 5, 'Times a job may lose its worker (crash, kill) and be run again before it is dead-lettered (BullMQ maxStalledCount; its default 1 dead-letters innocent jobs after two crashes).'),
  TLS_CERT_FILE: Type.Optional(Type.String({ minLength: 1, description: 'PEM server certificate (chain): set with TLS_KEY_FILE, the gateway listens with HTTPS. Unset: plain HTTP.' })),
  TLS_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'PEM private key of TLS_CERT_FILE.' })),
  TLS_CA_FILE: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle that client certificates must chain to (needed when TLS_CLIENT_CERT is not off).' })),
  TLS_CLIENT_CERT: Type.Union([Type.Literal('off'), Type.Literal('request'), Type.Literal('require')], {
    default: 'off',
    description: 'off: no client certificate asked; request: asked, checked against TLS_CA_FILE, used to identify parties; require: the TLS handshake fails without one.',
  }),
  CLIENT_CERT_REQUIRED_ENVIRONMENTS: Type.Optional(Type.String({
    pattern: '^(acceptance|production)(,(acceptance|production))?$',
    description: 'Environments where every authenticated call needs a registered client certificate, token or not (e.g. production). Unset: none.',
  })),
  WSS_MAX_AGE_SECONDS: Int(10, 3600, 300, 'WS-Security: oldest wsu:Timestamp Created accepted, and how long a signature is remembered against replay.'),
  WSS_CLOCK_SKEW_SECONDS: Int(0, 600, 60, 'WS-Security: clock difference tolerated on Created and Expires.'),
  RATE_LIMIT_MAX: Int(0, 10_000_000, 600, 'Requests one party may make per window in one environment (every instance together); 0 turns rate limiting off.'),
  RATE_LIMIT_WINDOW_MS: Int(1000, 86_400_000, 60_000, 'Length of the rate-limit window in milliseconds.'),
  AUTH_FAILURES_PER_ADDRESS: Int(0, 1_000_000, 20, 'Failed authentications (401) one client address may cause per AUTH_FAILURE_WINDOW_MS before further failures answer 429 with Retry-After (every instance together); a right credential always passes; 0 turns this off.'),
  AUTH_FAILURES_PER_PARTY: Int(1, 1_000_000, 5, 'Failed authentications per client address for one named party or person (a WS-Security signature, a dashboard login name) per window; failures from other addresses never count against it.'),
  AUTH_FAILURE_WINDOW_MS: Int(1000, 86_400_000, 300_000, 'Window of the failed-authentication counters, from the first failure, in milliseconds.'),
  MAX_EVENT_LOOP_DELAY_MS: Int(0, 60_000, 1000, 'Event-loop delay above which the gateway sheds load (503 GW_ERR_OVERLOADED) and is not ready; 0 turns the guard off.'),
  HTTP_HEADERS_TIMEOUT_MS: Int(100, 600_000, 10_000, 'Time a client has to send its request line and headers; slower is 408 GW_ERR_REQUEST_TIMEOUT and the connection is closed (Node headersTimeout; at most HTTP_REQUEST_TIMEOUT_MS).'),
  HTTP_REQUEST_TIMEOUT_MS: Int(100, 3_600_000, 30_000, 'Time a client has to send its whole request, body included; slower is 408 GW_ERR_REQUEST_TIMEOUT and the connection is closed (Node requestTimeout).'),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Int(100, 600_000, 5000, 'A keep-alive connection idle this long after an answer is closed (Node keepAliveTimeout); behind a load balancer, set it above the balancer\'s idle timeout.'),
  HTTP_IDLE_TIMEOUT_MS: Int(0, 3_600_000, 60_000, 'A connection with no traffic either way for this long is closed, e.g. a client that stops reading its answer (Fastify connectionTimeout); 0 = never.'),
  INSPECTORS_FILE: Type.Optional(Type.String({ minLength: 1, description: 'JSON file of the named inspector accounts per environment (README "Inspector accounts"). Unset: the demo inspectors when PARTIES_FILE is unset too, else none.' })),
  SESSION_IDLE_MINUTES: Int(1, 1440, 30, 'A browser session ends after this many minutes without a request (sliding).'),
  SESSION_MAX_HOURS: Int(1, 168, 8, 'A browser session ends this many hours after login, active or not.'),
  OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://', description: 'OpenID Connect issuer of the identity provider: enables "log in with the identity provider" (authorization code + PKCE). Unset: local accounts only.' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'The gateway\'s client id at the identity provider (needed with OIDC_ISSUER).' })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'Its client secret (client_secret_basic). Unset: a public client (PKCE only).' })),
  OIDC_REDIRECT_BASE: Type.Optional(Type.String({ pattern: '^https?://', description: 'Base URL of the redirect URI registered at the provider ({base}/{env}/dashboard/login/oidc/callback). Unset: PUBLIC_BASE_URL, else the request Host.' })),
  OIDC_ALLOW_INSECURE_LOOPBACK: Type.Boolean({ default: false, description: 'Allow a plain-http OIDC_ISSUER on a loopback address (tests with a local provider); never anything else.' }),
})

type RawConfig = Static<typeof ConfigSchema>
export type Config = Readonly<RawConfig & { environments: readonly EnvName[] }>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads, converts and checks the variables; throws a ConfigError naming each wrong one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const props = ConfigSchema.properties as Record<string, TSchema>
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(props)) {
    const value = env[key]
    if (value !== undefined && value !== '') raw[key] = value
  }
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw))
  const problems = [...Value.Errors(ConfigSchema, converted)].map((e) => {
    const name = e.path.replace(/^\//, '')
    return `${name}=${JSON.stringify(raw[name] ?? '')}: ${e.message}${props[name]?.description ? ` (${props[name].description})` : ''}`
  })
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`)
  }
  const checked = converted as RawConfig
  const environments = [...new Set(checked.ENVIRONMENTS.split(','))] as EnvName[]
  return Object.freeze({ ...checked, environments: Object.freeze(environments) })
}
