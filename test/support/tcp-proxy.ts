import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

/**
 * A TCP proxy on loopback between the app and one server (PostgreSQL, Redis), so a test can
 * take the server away from that app alone without stopping the machine's own service:
 *
 * - `cut()`: every open connection is reset and new ones are refused, as when the server
 *   dies or the network drops;
 * - `stall()`: connections stay open but nothing is forwarded either way (a black hole, as
 *   in a partition), so only the app's own timeouts can end a query; `restore()` then resets
 *   the stalled connections, as a partition long enough for the app to give up would;
 * - `delay(ms)`: every chunk is forwarded `ms` later, in order (a slow link or server);
 * - `cutOn(marker)`: passes traffic until the app sends a chunk containing `marker` (say
 *   `INSERT INTO "deals"`), then drops that chunk and cuts: a failure at a known point in
 *   the middle of a transaction, not wherever a timer happens to land;
 * - `restore()`: back to a plain pipe for new connections.
 */
export interface TcpProxy {
  /** The target's URL with host and port replaced by the proxy's. */
  url: string;
  port: number;
  /** Connections currently open through the proxy (client side). */
  readonly connections: number;
  cut(): void;
  stall(): void;
  delay(ms: number): void;
  /** Resolves once the marker was seen and the cut made. */
  cutOn(marker: string): Promise<void>;
  restore(): void;
  close(): Promise<void>;
}

type Mode = { kind: 'pass'; delayMs: number } | { kind: 'cut' } | { kind: 'stall' };

export async function startTcpProxy(targetUrl: string, defaultPort: number): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const targetPort = Number(target.port || defaultPort);
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let mode: Mode = { kind: 'pass', delayMs: 0 };
  let trap: { marker: string; sprung(): void } | undefined;

  const forward = (from: Socket, to: Socket, fromApp: boolean) => {
    from.on('data', (chunk: Buffer) => {
      if (mode.kind === 'stall' || mode.kind === 'cut') return;
      if (fromApp && trap && chunk.includes(trap.marker)) {
        const { sprung } = trap;
        trap = undefined;
        cut();
        sprung();
        return;
      }
      if (mode.delayMs === 0) {
        to.write(chunk);
        return;
      }
      // Paused while the delayed chunk waits, so chunks keep their order.
      from.pause();
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
        from.resume();
      }, mode.delayMs);
    });
  };

  const server = createServer((client) => {
    if (mode.kind === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, target.hostname);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    forward(client, upstream, true);
    forward(upstream, client, false);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const resetAll = () => {
    for (const { client, upstream } of pairs) {
      if (!client.destroyed) client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  const cut = () => {
    mode = { kind: 'cut' };
    resetAll();
  };

  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    port,
    get connections() {
      return pairs.size;
    },
    cut,
    stall() {
      mode = { kind: 'stall' };
    },
    delay(ms: number) {
      mode = { kind: 'pass', delayMs: ms };
    },
    cutOn: (marker: string) =>
      new Promise<void>((resolve) => {
        trap = { marker, sprung: resolve };
      }),
    restore() {
      trap = undefined;
      if (mode.kind === 'stall') resetAll();
      mode = { kind: 'pass', delayMs: 0 };
    },
    close: () =>
      new Promise<void>((resolve) => {
        mode = { kind: 'cut' };
        resetAll();
        server.close(() => resolve());
      }),
  };
}
