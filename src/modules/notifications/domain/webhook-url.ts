import { BlockList, isIP } from 'node:net';
import type { FieldIssue } from '../../../shared/errors/domain-error';

export interface WebhookUrlPolicy {
  /** Production refuses plain http everywhere and private or loopback targets. */
  production: boolean;
}

/** Hosts that are this machine: the only ones plain http may reach, and only in development. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Addresses a webhook must never reach in production: a URL chosen by a tenant would
 * otherwise let it make our servers call the internal network (SSRF). `0.0.0.0/8` and
 * `::/96` (unspecified, loopback and the old IPv4-compatible form) are added because
 * connecting to them reaches this host too; `100.64.0.0/10` because some clouds serve
 * instance metadata there. BlockList matches an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`,
 * `::ffff:a00:1`) against the IPv4 ranges, so the mapped spellings need no rule of their own.
 */
const PRIVATE_RANGES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE_RANGES.addSubnet(network, prefix, 'ipv4');
}
PRIVATE_RANGES.addSubnet('::', 96, 'ipv6');
PRIVATE_RANGES.addSubnet('fc00::', 7, 'ipv6');
PRIVATE_RANGES.addSubnet('fe80::', 10, 'ipv6');

/** Issues with a webhook target that need no network; empty when it may be used. */
export function webhookUrlIssues(raw: string, policy: WebhookUrlPolicy): FieldIssue[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field: 'url', code: 'NOT_A_URL', message: 'url is not an absolute URL' }];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [{ field: 'url', code: 'NOT_HTTPS', message: 'url must use https' }];
  }
  if (url.username || url.password) {
    // Credentials in the URL would be stored and shown back; the signature authenticates us.
    return [{ field: 'url', code: 'HAS_CREDENTIALS', message: 'url must not carry credentials' }];
  }
  if (url.protocol === 'http:' && (policy.production || !LOOPBACK_HOSTS.has(url.hostname))) {
    return [
      {
        field: 'url',
        code: 'NOT_HTTPS',
        message: policy.production
          ? 'url must use https'
          : 'url must use https; plain http is allowed for localhost only',
      },
    ];
  }
  if (policy.production) {
    const literal = hostAddress(url);
    if (literal && isPrivateAddress(literal)) return [privateTarget()];
    if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')) {
      return [privateTarget()];
    }
  }
  return [];
}

/** The host of the URL when it is an IP literal (brackets of IPv6 removed), else null. */
export function hostAddress(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

/** Loopback, private, link-local, unique-local or this host; anything not an address too. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE_RANGES.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export function privateTarget(): FieldIssue {
  return {
    field: 'url',
    code: 'PRIVATE_TARGET',
    message: 'url must not point at a private, link-local or loopback address',
  };
}

export function unresolvable(): FieldIssue {
  return { field: 'url', code: 'UNRESOLVABLE', message: 'the host of url does not resolve' };
}

/**
 * Resolves the host and refuses it when any address it names is private: a name that
 * resolves to both a public and a private address could be steered to the private one.
 */
export async function resolvedTargetIssues(
  url: URL,
  lookup: (hostname: string) => Promise<string[]>,
): Promise<FieldIssue[]> {
  const literal = hostAddress(url);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = await lookup(url.hostname);
    } catch {
      return [unresolvable()];
    }
  }
  if (addresses.length === 0) return [unresolvable()];
  return addresses.some(isPrivateAddress) ? [privateTarget()] : [];
}
