import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { ROOT } from './benchmarks-file';

/** The benchmarks' view of the built app: a child process on loopback, driven over HTTP. */

const HOST = '127.0.0.1';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface HttpResult {
  status: number;
  body: unknown;
}

/** Keep-alive node:http: cheaper per request than fetch on a 2-core machine. */
export class HttpClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly port: number) {}

  request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { token?: string; body?: unknown; idempotencyKey?: string } = {},
  ): Promise<HttpResult> {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: HOST, port: this.port, method, path, headers, agent: this.agent, timeout: 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : null;
            } catch {
              // kept as text
            }
            resolve({ status: res.statusCode ?? 0, body });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out after 30 s')));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  async expect<T>(
    status: number,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<T> {
    const result = await this.request(method, path, options);
    if (result.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${result.status} ${JSON.stringify(result.body)}`,
      );
    }
    return result.body as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface RunningApp {
  child: ChildProcess;
  port: number;
  logFile: string;
  http: HttpClient;
}

const children = new Set<ChildProcess>();

/** For a bench's deadline or failure path: nothing it started outlives it. */
export function killApps(): void {
  for (const child of children) child.kill('SIGKILL');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * `node dist/src/main.js`, with the flags of `npm run start:prod`, on a free loopback port
 * with exactly `env` (plus PORT), its log in a file under the temporary folder; resolves once
 * /health answers 200. `preload` is a module given to `node -r` (a probe).
 */
export async function startApp(
  env: Record<string, string>,
  options: { tag: string; preload?: string },
): Promise<RunningApp> {
  const main = join(ROOT, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run npm run build first`);
  const port = await freePort();
  const logFile = join(os.tmpdir(), `ayllu-${options.tag}-${process.pid}.log`);
  const fd = openSync(logFile, 'w');
  const args = [
    ...productionNodeFlags(),
    ...(options.preload ? ['-r', options.preload] : []),
    main,
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...env, PORT: String(port) },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  const client = new HttpClient(port);
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) break;
    try {
      const health = await client.request('GET', '/health');
      if (health.status === 200) return { child, port, logFile, http: client };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stopApp({ child, port, logFile, http: client });
  throw new Error(`the app did not become healthy; its log: ${logFile}\n${tail(logFile)}`);
}

/** The V8 flags `npm run start:prod` gives node, so the benchmarks measure the app as it runs. */
export function productionNodeFlags(): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    }
  ).scripts;
  const command = scripts['start:prod'].split(/\s+/);
  return command.slice(1, command.indexOf('dist/src/main.js'));
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** SIGTERM, as a supervisor would; SIGKILL if it has not exited 15 s later. */
export async function stopApp(app: RunningApp): Promise<void> {
  app.http.close();
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once('exit', () => resolve()));
  app.child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
  if (timedOut) {
    app.child.kill('SIGKILL');
    await exited;
  }
}

/** Registers a user and logs in: its access token. */
export async function newUser(client: HttpClient, name: string): Promise<string> {
  const email = `${name}.${randomUUID().slice(0, 8)}@bench.ayllu.test`;
  const password = `bench-${randomUUID()}`;
  await client.expect(201, 'POST', '/api/v1/auth/register', {
    body: { email, password, displayName: name },
  });
  const login = await client.expect<{ accessToken: string }>(200, 'POST', '/api/v1/auth/login', {
    body: { email, password },
  });
  return login.accessToken;
}

export interface Percentiles {
  p50: number;
  p99: number;
  mean: number;
}

export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p99: NaN, mean: NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    p50: at(0.5),
    p99: at(0.99),
    mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length,
  };
}
