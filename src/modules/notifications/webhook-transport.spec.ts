import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolvedTargetIssues } from './domain/webhook-url';
import {
  type AllAddressesLookup,
  PrivateTargetError,
  refusingPrivateLookup,
  WebhookTransport,
} from './webhook-transport';

/** A resolver that answers each call with the next list: DNS changing its mind. */
function scriptedLookup(...answers: string[][]): AllAddressesLookup & { calls: number } {
  const lookup = Object.assign(
    (
      _hostname: string,
      _options: unknown,
      callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
    ) => {
      const next = answers[Math.min(lookup.calls, answers.length - 1)];
      lookup.calls += 1;
      callback(
        null,
        next.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
      );
    },
    { calls: 0 },
  );
  return lookup;
}

function lookupOnce(
  lookup: ReturnType<typeof refusingPrivateLookup>,
  all: boolean,
): Promise<{ error: Error | null; address: unknown }> {
  return new Promise((resolve) =>
    lookup('hooks.example.cl', { all }, (error, address) => resolve({ error, address })),
  );
}

describe('refusingPrivateLookup', () => {
  it('refuses an answer with a private address, alone or among public ones', async () => {
    for (const answer of [['10.0.0.5'], ['93.184.216.34', '127.0.0.1'], ['::ffff:a9fe:a9fe']]) {
      for (const all of [false, true]) {
        const { error } = await lookupOnce(refusingPrivateLookup(scriptedLookup(answer)), all);
        expect(error).toBeInstanceOf(PrivateTargetError);
        expect(error?.message).toContain('hooks.example.cl');
      }
    }
  });

  it('passes public answers on in the shape the socket asked for', async () => {
    const lookup = refusingPrivateLookup(scriptedLookup(['93.184.216.34', '2606:2800::1']));
    expect(await lookupOnce(lookup, false)).toEqual({ error: null, address: '93.184.216.34' });
    expect(await lookupOnce(lookup, true)).toEqual({
      error: null,
      address: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800::1', family: 6 },
      ],
    });
  });
});

describe('WebhookTransport', () => {
  let server: Server;
  let port: number;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests += 1;
      req.resume();
      res.statusCode = 204;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  it('refuses at connect time a name that resolved publicly when checked (DNS rebinding)', async () => {
    // First answer for the check before the request, the second for the socket.
    const dns = scriptedLookup(['93.184.216.34'], ['127.0.0.1']);
    const url = `http://hooks.example.cl:${port}/hook`;
    const checked = await resolvedTargetIssues(
      new URL(url),
      (hostname) =>
        new Promise((resolve, reject) =>
          dns(hostname, { all: true }, (error, all) =>
            error ? reject(error) : resolve(all.map((entry) => entry.address)),
          ),
        ),
    );
    expect(checked).toEqual([]);

    const transport = new WebhookTransport(refusingPrivateLookup(dns));
    const before = requests;
    try {
      await expect(transport.post(url, {}, '{}', 2000)).rejects.toBeInstanceOf(PrivateTargetError);
    } finally {
      transport.close();
    }
    expect(dns.calls).toBe(2);
    expect(requests).toBe(before);
  });

  it('connects when the lookup allows it, and reads the status only', async () => {
    const loopback = scriptedLookup(['127.0.0.1']);
    const transport = new WebhookTransport((hostname, options, callback) =>
      loopback(hostname, { all: true }, (error, all) =>
        options.all ? callback(error, all) : callback(error, all[0].address, all[0].family),
      ),
    );
    try {
      expect(await transport.post(`http://hooks.example.cl:${port}/hook`, {}, '{}', 2000)).toBe(
        204,
      );
    } finally {
      transport.close();
    }
  });
});
