/**
 * `npm run bench:prices`: a year of ODEPA wholesale prices (200,000 rows, ODEPA's layout:
 * UTF-8 with a byte-order mark, CRLF, quoted text, decimal commas) imported through the
 * real app over HTTP, streamed from disk as a client would upload it. Reports rows/s and the
 * process's peak RSS during the import; as the same-run baseline, bare csv-parse reading the
 * same file (no decoding of ours, no checks, no database). A 20,000-row import first gives
 * the peak RSS a control: memory that does not grow with the file is the point of streaming.
 * Writes the numbers to the "Market prices import" section of BENCHMARKS.md.
 *
 * The database is the embedded one (in memory) unless DATABASE_URL is set (then, as in the
 * tests, a scratch database next to it, dropped at the end; its name must contain "test").
 */
import { machineLine, writeBenchmarkTable } from './support/benchmarks-file';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { DataSource } from 'typeorm';
import {
  ADMIN_ENV,
  loginPlatformAdmin,
  ODEPA_SAMPLE_LINES,
} from '../test/support/market-price-builders';
import { startTestApp } from '../test/support/test-app';

const ROWS = 200_000;
const CONTROL_ROWS = 20_000;

const MARKETS = [
  'Mercado Mayorista Lo Valledor de Santiago',
  'Vega Central Mapocho de Santiago',
  'Femacal de La Calera',
  'Terminal La Palmera de La Serena',
  'Agricola del Norte S.A. de Arica',
  'Macroferia Regional de Talca',
  'Vega Modelo de Temuco',
  'Terminal Hortofruticola Agro Chillan',
  'Feria Lagunita de Puerto Montt',
  'Comercializadora del Agro de Limari',
  'Mercado Mayorista Vega Monumental Concepcion',
  'Terminal Agronor de Antofagasta',
];
/** Five of these have an alias (as in the real file, most products are not ours). */
const PRODUCTS = [
  'Zanahoria',
  'Haba',
  'Quínoa',
  'Maíz',
  'Cebada',
  'Papa',
  'Tomate',
  'Lechuga',
  'Cebolla',
  'Zapallo italiano',
  'Choclo',
  'Poroto verde',
];
const UNITS = [
  '$/saco 25 kilos',
  '$/malla 18 kilos',
  '$/kilo (en caja de 20 kilos)',
  '$/bandeja 10 kilos',
  '$/caja 20 kilos',
];
const QUALITIES = ['Primera', 'Segunda', 'Tercera', 'Sin especificar'];

/** A deterministic pseudo-random stream, so every run imports the same file. */
function* numbers(seed: number): Generator<number> {
  let state = seed;
  for (;;) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    yield state / 2 ** 31;
  }
}

function pesos(value: number): string {
  const [whole, fraction = ''] = value.toFixed(4).split('.');
  return `${whole},${fraction.padEnd(4, '0')}`;
}

/** `rows` rows over the 365 days before 2026-11-25, every natural key distinct. */
function writeOdepaFile(path: string, rows: number, marketPrefix = ''): number {
  const random = numbers(rows);
  const file = openSync(path, 'w');
  writeSync(file, Buffer.from([0xef, 0xbb, 0xbf]));
  writeSync(file, `${ODEPA_SAMPLE_LINES[0]}\r\n`);
  const today = Date.UTC(2026, 10, 24);
  let written = 0;
  outer: for (let day = 0; day < 365; day++) {
    const date = new Date(today - day * 86_400_000).toISOString().slice(0, 10);
    const lines: string[] = [];
    for (const market of MARKETS) {
      for (let k = 0; k < PRODUCTS.length * QUALITIES.length; k++) {
        if (written + lines.length === rows) {
          writeSync(file, lines.map((line) => `${line}\r\n`).join(''));
          written += lines.length;
          break outer;
        }
        const product = PRODUCTS[k % PRODUCTS.length];
        const quality = QUALITIES[Math.floor(k / PRODUCTS.length)];
        const unit = UNITS[(k + day) % UNITS.length];
        const avg = 2000 + random.next().value! * 10_000;
        const spread = random.next().value! * 500;
        lines.push(
          `${date},"13","Region Metropolitana de Santiago","${marketPrefix}${market}","Hortalizas","${product}","Sin especificar","${quality}","${unit}","Region de Coquimbo","${Math.floor(10 + random.next().value! * 2000)}","${pesos(avg - spread)}","${pesos(avg + spread)}","${pesos(avg)}"`,
        );
      }
    }
    writeSync(file, lines.map((line) => `${line}\r\n`).join(''));
    written += lines.length;
  }
  closeSync(file);
  return written;
}

/** Bare csv-parse over the file: the floor no import of it can go below. */
async function bareParse(path: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  let rows = 0;
  for await (const record of createReadStream(path).pipe(parse({ bom: true }))) {
    if (record) rows += 1;
  }
  return { rows: rows - 1, seconds: (performance.now() - started) / 1000 };
}

interface ImportRun {
  label: string;
  rows: number;
  bytes: number;
  seconds: number;
  rssBeforeMb: number;
  peakRssMb: number;
  heapBeforeMb: number;
  peakHeapMb: number;
  report: ImportCounts;
}

interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  skippedUnknownProduct: number;
  rowsWithErrors: number;
}

async function importOverHttp(
  port: number,
  token: string,
  path: string,
  label: string,
  rows: number,
): Promise<ImportRun> {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  const sampler = setInterval(sample, 20);
  const bytes = statSync(path).size;
  const started = performance.now();
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/market-prices/import',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'text/csv',
          'Content-Length': String(bytes),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            reject(new Error(`import answered ${res.statusCode}: ${text}`));
          else resolve(text);
        });
      },
    );
    req.on('error', reject);
    createReadStream(path).pipe(req);
  });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  const report = JSON.parse(body) as ImportCounts & { errors?: unknown };
  delete report.errors;
  return {
    label,
    rows,
    bytes,
    seconds,
    rssBeforeMb: before.rss / 2 ** 20,
    peakRssMb: peak / 2 ** 20,
    heapBeforeMb: before.heapUsed / 2 ** 20,
    peakHeapMb: peakHeap / 2 ** 20,
    report,
  };
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(os.tmpdir(), 'ayllu-bench-prices-'));
  const yearFile = join(folder, 'precio_mayorista_fruta-hortaliza_2026.csv');
  const controlFile = join(folder, 'control.csv');
  const rows = writeOdepaFile(yearFile, ROWS);
  const controlRows = writeOdepaFile(controlFile, CONTROL_ROWS, 'Control ');
  console.log(`generated ${rows} rows (${(statSync(yearFile).size / 2 ** 20).toFixed(1)} MiB)`);

  const baseline = await bareParse(yearFile);
  const t = await startTestApp({ ...ADMIN_ENV, LOG_LEVEL: 'warn' });
  try {
    const admin = await loginPlatformAdmin(t.http);
    const server = await t.app.listen(0, '127.0.0.1');
    const { port } = server.address() as AddressInfo;
    const runs = [
      await importOverHttp(
        port,
        admin.token,
        controlFile,
        `${CONTROL_ROWS.toLocaleString('en')} rows (control)`,
        controlRows,
      ),
      await importOverHttp(
        port,
        admin.token,
        yearFile,
        `${ROWS.toLocaleString('en')} rows, first import`,
        rows,
      ),
      await importOverHttp(
        port,
        admin.token,
        yearFile,
        `${ROWS.toLocaleString('en')} rows, re-import`,
        rows,
      ),
    ];
    for (const run of runs) console.log(run.label, JSON.stringify(run.report));
    const [{ server_version: version }] = await t.app
      .get(DataSource)
      .query<{ server_version: string }[]>('SHOW server_version');
    const heapCap = process.execArgv
      .find((arg) => arg.startsWith('--max-old-space-size='))
      ?.split('=')[1];
    writeSection(
      baseline,
      runs,
      (process.env.DATABASE_URL
        ? `PostgreSQL ${version}, local server`
        : `Embedded PGlite (PostgreSQL ${version}), in memory`) +
        (heapCap ? `; V8 old space capped at ${heapCap} MiB` : ''),
    );
  } finally {
    await t.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const INTRO = [
  '## Market prices import',
  '',
  '`POST /market-prices/import` with a generated year of ODEPA wholesale prices: 200,000',
  "rows in ODEPA's layout (UTF-8 with BOM, CRLF, quoted text, decimal commas), 12 markets,",
  '12 products of which 5 have an alias (the other rows are counted and skipped, as most of',
  "the real file's would be), 5 unit labels. The file streams from disk over a local HTTP",
  'connection into the running app; rows/s counts every row of the file. Peak RSS is the',
  'whole process (app and client; with the embedded database also PGlite, whose in-memory',
  'database grows with every row stored) sampled every 20 ms during the import. Baseline: bare',
  '`csv-parse` over the same file in the same run (no decoding of ours, no checks, no',
  'database). A 20,000-row import runs first as the control for memory. V8 lets its heap',
  'grow while memory is plentiful, so the bounded-memory check is a run with the old space',
  'capped: `npm run build && node --expose-gc --max-old-space-size=64 dist/scripts/bench-prices.js`',
  '(the 43 MiB file then still imports). Run `npm run bench:prices` for the embedded',
  'database, and with `DATABASE_URL` set for PostgreSQL; each run replaces its own table.',
  '',
].join('\n');

/** How this run was started, as someone would type it again. */
function commandOfThisRun(): string {
  const flags = process.execArgv.filter((arg) => arg.startsWith('--max-old-space-size='));
  return flags.length === 0
    ? 'npm run bench:prices'
    : `npm run build:scripts && node --expose-gc ${flags.join(' ')} dist/scripts/bench-prices.js`;
}

function writeSection(
  baseline: { rows: number; seconds: number },
  runs: ImportRun[],
  database: string,
): void {
  const baseRate = baseline.rows / baseline.seconds;
  const lines = runs.map((run) => {
    const rate = run.rows / run.seconds;
    const r = run.report;
    return `| ${run.label} | ${(run.bytes / 2 ** 20).toFixed(1)} | ${run.seconds.toFixed(2)} | ${Math.round(rate).toLocaleString('en')} | ${(rate / baseRate).toFixed(3)} | ${Math.round(run.rssBeforeMb)} → ${Math.round(run.peakRssMb)} | ${Math.round(run.heapBeforeMb)} → ${Math.round(run.peakHeapMb)} | ${r.inserted} / ${r.updated} / ${r.unchanged} / ${r.skippedUnknownProduct} / ${r.rowsWithErrors} |`;
  });
  const command = commandOfThisRun();
  const heading = `### ${database}`;
  const table = [
    heading,
    '',
    machineLine(),
    `- Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}${command}\`, run ${new Date().toISOString()}`,
    `- Load average over the last minute at the end: ${os.loadavg()[0].toFixed(1)} (other work on the machine slows every figure alike)`,
    `- Baseline, bare csv-parse on the 200,000-row file: ${baseline.seconds.toFixed(2)} s, ${Math.round(baseRate).toLocaleString('en')} rows/s`,
    '',
    '| import | MiB | seconds | rows/s | × baseline | RSS MiB before → peak | JS heap MiB before → peak | inserted / updated / unchanged / skipped / refused |',
    '|---|---|---|---|---|---|---|---|',
    ...lines,
    '',
  ].join('\n');

  writeBenchmarkTable(INTRO, heading, table);
  console.log(table);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
