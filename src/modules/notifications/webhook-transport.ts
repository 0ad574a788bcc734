import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress } from './domain/webhook-url';

/** Raised at connect time when the name now resolves to an address a webhook must not reach. */
export class PrivateTargetError extends Error {
  readonly code = 'ERR_PRIVATE_TARGET';

  constructor(hostname: string, address: string) {
    super(`target refused: ${hostname} resolves to the private address ${address}`);
  }
}

/** What `dns.lookup` is called with here: always every address, so none slips through. */
export type AllAddressesLookup = (
  hostname: string,
  options: { all: true; family?: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: AllAddressesLookup = (hostname, options, callback) =>
  dnsLookup(hostname, options, callback);

/**
 * The lookup the socket itself uses, so the address checked is the address connected to:
 * a name checked before the request could resolve elsewhere a moment later (DNS
 * rebinding). Like the check before the request, one private address among the answers
 * refuses the name. IP literals never reach a lookup; they are checked before the request
 * and cannot change.
 */
export function refusingPrivateLookup(base: AllAddressesLookup = systemLookup): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : undefined;
    base(hostname, { all: true, family, hints: options.hints }, (error, all) => {
      if (error) return callback(error, '', 4);
      const refused = all.find((entry) => isPrivateAddress(entry.address));
      if (refused) return callback(new PrivateTargetError(hostname, refused.address), '', 4);
      if (all.length === 0) return callback(notFound(hostname), '', 4);
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily).
      if (options.all) callback(null, all);
      else callback(null, all[0].address, all[0].family);
    });
  };
}

function notFound(hostname: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
}

export class DeliveryTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/**
 * POSTs webhook bodies through agents whose sockets resolve names with `lookup`. Redirects
 * are not followed (node's client never does): a redirect could lead the signed body
 * somewhere the organisation never named. Only the status is read.
 */
export class WebhookTransport {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;

  constructor(lookup: LookupFunction | undefined) {
    this.http = new HttpAgent({ lookup });
    this.https = new HttpsAgent({ lookup });
  }

  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    timeoutMs: number,
  ): Promise<number> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const send = secure ? httpsRequest : httpRequest;
    return new Promise<number>((resolve, reject) => {
      const request = send(target, {
        method: 'POST',
        agent: secure ? this.https : this.http,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      });
      // The whole exchange, connect included, not one idle gap: a slow receiver must not
      // hold a worker.
      const timer = setTimeout(() => request.destroy(new DeliveryTimeout(timeoutMs)), timeoutMs);
      request.on('response', (response) => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
        response.destroy();
      });
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
