/**
 * No calls inside (README "Security"): push delivery must not become a way to make the gateway
 * call its own network. A webhook whose host is, or resolves to, a loopback, private, CGNAT,
 * link-local (cloud metadata), unique-local, unspecified, multicast, reserved or translated
 * (NAT64, 6to4, Teredo, IPv4-compatible) address is refused — when the subscription is made
 * (400 GW_ERR_VALIDATION) and at every delivery, where the check runs inside the connection's own
 * DNS lookup (`lookup` below), so the address checked is the address connected to (no window for
 * a DNS answer that changes between check and connect). IPv4-mapped IPv6 (::ffff:127.0.0.1) is
 * judged as the IPv4 address it carries (node's BlockList does that). An operator permits an
 * internal receiver with WEBHOOK_ALLOW_PRIVATE_CIDRS; nothing else is allowed inside.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'
import { ConfigError } from '../config.js'

type Family = 'ipv4' | 'ipv6'

/** Blocked ranges by the reason given when one matches (the reason never names the host). */
const BLOCKED: readonly (readonly [reason: string, family: Family, net: string, prefix: number])[] = [
  ['an unspecified address', 'ipv4', '0.0.0.0', 8],
  ['a private address', 'ipv4', '10.0.0.0', 8],
  ['a carrier-grade NAT address', 'ipv4', '100.64.0.0', 10],
  ['a loopback address', 'ipv4', '127.0.0.0', 8],
  ['a link-local address (cloud metadata lives there)', 'ipv4', '169.254.0.0', 16],
  ['a private address', 'ipv4', '172.16.0.0', 12],
  ['a reserved address', 'ipv4', '192.0.0.0', 24],
  ['a reserved address', 'ipv4', '192.0.2.0', 24],
  ['a private address', 'ipv4', '192.168.0.0', 16],
  ['a reserved address', 'ipv4', '198.18.0.0', 15],
  ['a reserved address', 'ipv4', '198.51.100.0', 24],
  ['a reserved address', 'ipv4', '203.0.113.0', 24],
  ['a multicast address', 'ipv4', '224.0.0.0', 4],
  ['a reserved address', 'ipv4', '240.0.0.0', 4],
  ['an unspecified address', 'ipv6', '::', 128],
  ['a loopback address', 'ipv6', '::1', 128],
  ['an IPv4-compatible address', 'ipv6', '::', 96],
  ['a NAT64 address', 'ipv6', '64:ff9b::', 96],
  ['a NAT64 address', 'ipv6', '64:ff9b:1::', 48],
  ['a reserved address', 'ipv6', '100::', 64],
  ['a Teredo address', 'ipv6', '2001::', 32],
  ['a reserved address', 'ipv6', '2001:db8::', 32],
  ['a 6to4 address', 'ipv6', '2002::', 16],
  ['a unique-local (private) address', 'ipv6', 'fc00::', 7],
  ['a link-local address', 'ipv6', 'fe80::', 10],
  ['a site-local address', 'ipv6', 'fec0::', 10],
  ['a multicast address', 'ipv6', 'ff00::', 8],
]

/** One BlockList per reason, so a refusal can say which kind of address it was. */
const BLOCK_LISTS: readonly (readonly [string, BlockList])[] = (() => {
  const byReason = new Map<string, BlockList>()
  for (const [reason, family, net, prefix] of BLOCKED) {
    const list = byReason.get(reason) ?? new BlockList()
    list.addSubnet(net, prefix, family)
    byReason.set(reason, list)
  }
  return [...byReason]
})()

/** A connection or subscription refused because its target is inside. `reason` names no host. */
export class BlockedTargetError extends Error {
  override name = 'BlockedTargetError'
  readonly code = 'ERR_WEBHOOK_TARGET_BLOCKED'
  constructor(readonly reason: string) {
    super(`the webhook host is or resolves to ${reason}; refused (WEBHOOK_ALLOW_PRIVATE_CIDRS permits an internal receiver)`)
  }
}

/** True when `err`, or an error it wraps (`cause`), is a BlockedTargetError. */
export function isBlockedTarget(err: unknown): err is BlockedTargetError {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) if (e instanceof BlockedTargetError) return true
  return false
}

const familyOf = (address: string): Family | undefined => ({ 4: 'ipv4', 6: 'ipv6' } as const)[isIP(address) as 4 | 6]

/** `a.b.c.d`, `a.b.c.d/n`, `x::y`, `x::y/n`; throws ConfigError naming WEBHOOK_ALLOW_PRIVATE_CIDRS. */
export function parseAllowList(value: string | undefined): BlockList {
  const list = new BlockList()
  for (const item of (value ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [net = '', bits, extra] = item.split('/')
    const family = familyOf(net)
    const max = family === 'ipv4' ? 32 : 128
    const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN
    if (!family || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
      throw new ConfigError(`Invalid configuration:\n  WEBHOOK_ALLOW_PRIVATE_CIDRS: "${item}" is not an IPv4 or IPv6 address or CIDR (e.g. 10.20.0.0/16, fd00:1::/64, 127.0.0.1)`)
    }
    list.addSubnet(net, prefix, family)
  }
  return list
}

export interface TargetGuardOptions {
  /** WEBHOOK_ALLOW_PRIVATE_CIDRS: comma-separated CIDRs allowed although inside; default none. */
  allowPrivateCidrs?: string | undefined
  /** Resolver (tests); default node's dns.lookup, which is also what a connection uses. */
  resolve?: typeof dnsLookup
}

export class TargetGuard {
  private readonly allow: BlockList
  private readonly resolve: typeof dnsLookup

  constructor(opts: TargetGuardOptions = {}) {
    this.allow = parseAllowList(opts.allowPrivateCidrs)
    this.resolve = opts.resolve ?? dnsLookup
  }

  /** Why `address` (an IP literal) may not be called, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = familyOf(address)
    if (!family) return 'not an IP address'
    if (this.allow.check(address, family)) return undefined
    for (const [reason, list] of BLOCK_LISTS) if (list.check(address, family)) return reason
    return undefined
  }

  /** Throws a BlockedTargetError when any of `addresses` is refused (one inside address is enough). */
  checkAll(addresses: readonly string[]): void {
    for (const a of addresses) {
      const reason = this.refusal(a)
      if (reason) throw new BlockedTargetError(reason)
    }
  }

  /**
   * Checks a URL's host now: an IP literal directly, a name by resolving it (every address).
   * A name that does not resolve at all passes: it is nowhere, and every delivery checks again.
   */
  async checkUrl(url: string, timeoutMs = 3000): Promise<void> {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
    if (isIP(host)) return this.checkAll([host])
    const addresses = await new Promise<string[]>((resolve) => {
      const timer = setTimeout(() => resolve([]), timeoutMs)
      this.resolve(host, { all: true, verbatim: true }, (err, found) => {
        clearTimeout(timer)
        resolve(err ? [] : (found as LookupAddress[]).map((f) => f.address))
      })
    })
    this.checkAll(addresses)
  }

  /**
   * A `lookup` for net/tls.connect (undici's `connect.lookup`): resolves, refuses the whole name
   * if any address is inside, else answers in the shape the caller asked for (`all` or one).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (err, found) => {
      if (err) return callback(err, '', 0)
      const addresses = found as LookupAddress[]
      try {
        this.checkAll(addresses.map((a) => a.address))
      } catch (blocked) {
        return callback(blocked as Error, '', 0)
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const first = addresses[0]
      if (!first) return callback(Object.assign(new Error(`no address for the webhook host`), { code: 'ENOTFOUND' }), '', 0)
      callback(null, first.address, first.family)
    })
  }
}

const guards = new WeakMap<object, TargetGuard>()

/** The guard of a configuration, built once (the allow-list is parsed at first use: gateway start). */
export function targetGuard(config: { readonly WEBHOOK_ALLOW_PRIVATE_CIDRS?: string | undefined }): TargetGuard {
  let guard = guards.get(config)
  if (!guard) {
    guard = new TargetGuard({ allowPrivateCidrs: config.WEBHOOK_ALLOW_PRIVATE_CIDRS })
    guards.set(config, guard)
  }
  return guard
}
