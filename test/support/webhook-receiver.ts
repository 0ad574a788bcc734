import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingReceiver {
  url: string;
  /** Deliveries per event id (`X-Ayllu-Event-Id`), duplicates included. */
  seen: Map<string, number>;
  close(): Promise<void>;
}

/** A webhook receiver on loopback that counts deliveries per event id, as one deduplicating by id would. */
export async function startCountingReceiver(): Promise<CountingReceiver> {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['x-ayllu-event-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
