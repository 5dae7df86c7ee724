/**
 * The target guard (no calls inside): every class of inside address is refused, in every spelling
 * a URL allows (decimal, hex, short IPv4, IPv4-mapped IPv6, NAT64…), public ones pass, the
 * allow-list opens exactly what it lists, names are judged by what they resolve to, and the
 * connection `lookup` refuses before any connect.
 */
import type { lookup, LookupAddress } from 'node:dns'
import fc from 'fast-check'
import t from 'tap'
import { ConfigError } from '../../src/config.js'
import { BlockedTargetError, isBlockedTarget, parseAllowList, TargetGuard, targetGuard } from '../../src/delivery/target-guard.js'

const guard = new TargetGuard()

t.test('inside addresses are refused with their kind, public ones pass', async (t) => {
  const inside: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.10.3', /loopback/],
    ['::1', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['169.254.169.254', /link-local address \(cloud metadata/],
    ['fe80::1', /link-local/],
    ['febf::1', /link-local/],
    ['fc00::1', /unique-local/],
    ['fd12:3456::1', /unique-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:a9fe:a9fe', /link-local/],
    ['::ffff:10.0.0.1', /private/],
    ['64:ff9b::7f00:1', /NAT64/],
    ['64:ff9b::808:808', /NAT64/],
    ['64:ff9b:1::1', /NAT64/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['2002:7f00:1::1', /6to4/],
    ['2001:0:4136:e378::1', /Teredo/],
  ]
  for (const [address, kind] of inside) t.match(guard.refusal(address), kind, address)
  for (const address of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2a00:1450:4001:80b::200e', '::ffff:8.8.8.8', '193.191.245.1']) {
    t.equal(guard.refusal(address), undefined, address)
  }
  t.equal(guard.refusal('not-an-ip'), 'not an IP address')
})

t.test('property: any address of a private, loopback, link-local or CGNAT range, written any way, is refused', async (t) => {
  const octet = fc.integer({ min: 0, max: 255 })
  const v4Inside = fc.oneof(
    fc.tuple(fc.constant(10), octet, octet, octet),
    fc.tuple(fc.constant(127), octet, octet, octet),
    fc.tuple(fc.constant(172), fc.integer({ min: 16, max: 31 }), octet, octet),
    fc.tuple(fc.constant(192), fc.constant(168), octet, octet),
    fc.tuple(fc.constant(169), fc.constant(254), octet, octet),
    fc.tuple(fc.constant(100), fc.integer({ min: 64, max: 127 }), octet, octet),
  )
  const hex = (n: number) => n.toString(16)
  fc.assert(
    fc.property(v4Inside, fc.integer({ min: 0, max: 3 }), ([a, b, c, d], form) => {
      const n = ((a << 24) >>> 0) + (b << 16) + (c << 8) + d
      const url = [
        `http://${a}.${b}.${c}.${d}/`,
        `http://${n}/`,
        `http://0x${hex(a)}.${b}.${c}.${d}/`,
        `http://[::ffff:${a}.${b}.${c}.${d}]/`,
      ][form]!
      // What undici and net.connect get is the WHATWG-normalized host, as here.
      const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1')
      return guard.refusal(host) !== undefined
    }),
    { numRuns: 500 },
  )
  t.pass('500 inside addresses in four spellings, every one refused')
})

t.test('the allow-list opens exactly what it lists; a bad entry stops the start', async (t) => {
  const open = new TargetGuard({ allowPrivateCidrs: ' 127.0.0.1 , 10.20.0.0/16,fd00:1::/64' })
  t.equal(open.refusal('127.0.0.1'), undefined)
  t.equal(open.refusal('::ffff:127.0.0.1'), undefined, 'the mapped form of an allowed IPv4 too')
  t.match(open.refusal('127.0.0.2'), /loopback/, 'only the listed address')
  t.equal(open.refusal('10.20.99.1'), undefined)
  t.match(open.refusal('10.21.0.1'), /private/)
  t.equal(open.refusal('fd00:1::5'), undefined)
  t.match(open.refusal('fd00:2::5'), /unique-local/)
  for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.0/8/1', '10.0.0/8', '1.2.3.4/x']) {
    t.throws(() => parseAllowList(bad), ConfigError, bad)
    t.throws(() => parseAllowList(bad), /WEBHOOK_ALLOW_PRIVATE_CIDRS/)
  }
  t.equal(parseAllowList(undefined).rules.length, 0)
  const config = { WEBHOOK_ALLOW_PRIVATE_CIDRS: '127.0.0.1' }
  t.equal(targetGuard(config), targetGuard(config), 'one guard per configuration')
})

/** A resolver standing for DNS (outside the system). */
const fakeDns = (answers: Record<string, string[]>) =>
  ((host: string, _opts: unknown, cb: (err: Error | null, found?: LookupAddress[]) => void) => {
    const found = answers[host]
    if (!found) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))
    cb(null, found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })))
  }) as unknown as typeof lookup

t.test('checkUrl: literals directly, names by every address they resolve to; a name that resolves nowhere passes', async (t) => {
  const dns = new TargetGuard({ resolve: fakeDns({ 'public.test': ['93.184.216.34'], 'rebind.test': ['93.184.216.34', '127.0.0.1'], 'meta.test': ['169.254.169.254'], 'v6.test': ['fd00::1'] }) })
  await t.resolves(dns.checkUrl('https://public.test/hook'))
  await t.resolves(dns.checkUrl('https://nowhere.test/hook'), 'not resolvable now: checked again at delivery')
  await t.rejects(dns.checkUrl('https://rebind.test/hook'), { name: 'BlockedTargetError', reason: 'a loopback address' }, 'one inside address is enough')
  await t.rejects(dns.checkUrl('http://meta.test/latest/meta-data'), { name: 'BlockedTargetError', reason: /link-local/ })
  await t.rejects(dns.checkUrl('http://v6.test/'), { name: 'BlockedTargetError', reason: /unique-local/ })
  await t.rejects(dns.checkUrl('http://[::ffff:169.254.169.254]/'), { name: 'BlockedTargetError', reason: /link-local/ })
  await t.rejects(dns.checkUrl('http://2130706433:8080/'), { name: 'BlockedTargetError', reason: 'a loopback address' })
  const slow = new TargetGuard({ resolve: (() => {}) as never })
  await t.resolves(slow.checkUrl('https://slow.test/', 20), 'a resolver that never answers does not hang the subscription')
  const real = new TargetGuard()
  await t.rejects(real.checkUrl('http://localhost:9/'), { name: 'BlockedTargetError', reason: 'a loopback address' }, 'the real resolver: localhost is loopback')
  const err = new BlockedTargetError('a private address')
  t.notMatch(err.message, /http|localhost|\d+\.\d+/, 'the message names no host or address')
  t.ok(isBlockedTarget(new Error('wrapped', { cause: err })), 'found through cause')
  t.notOk(isBlockedTarget(new Error('other')))
  t.notOk(isBlockedTarget('a string'))
})

t.test('lookup (the connection hook): refuses inside names, answers one address or all as asked', async (t) => {
  const dns = new TargetGuard({ resolve: fakeDns({ 'public.test': ['93.184.216.34', '2a00:1450::1'], 'inside.test': ['10.0.0.7'], 'empty.test': [] }) })
  const call = (host: string, all: boolean) =>
    new Promise<{ err: (Error & { code?: string }) | null; address: unknown; family: unknown }>((resolve) =>
      dns.lookup(host, { all } as never, (err, address, family) => resolve({ err, address, family })),
    )
  t.match(await call('public.test', false), { err: null, address: '93.184.216.34', family: 4 })
  t.match(await call('public.test', true), { err: null, address: [{ address: '93.184.216.34' }, { address: '2a00:1450::1' }] })
  t.match(await call('inside.test', false), { err: { name: 'BlockedTargetError', reason: 'a private address' } })
  t.match(await call('inside.test', true), { err: { name: 'BlockedTargetError' } })
  t.match(await call('missing.test', false), { err: { code: 'ENOTFOUND' } })
  t.match(await call('empty.test', false), { err: { code: 'ENOTFOUND' } })
})
