/**
 * `npm run bench:costing`: how long a cost summary takes, for a 200-line sheet and for the
 * top of a 3-level chain (milk → cheese → boxed cheese), at three depths measured in the same
 * run: the pure calculator in memory (the baseline), the service reading the sheets from
 * the database, and the whole HTTP stack (auth guard, resolver, service, JSON). Writes the
 * numbers to the "Costing" section of BENCHMARKS.md.
 *
 * The database is the embedded one unless DATABASE_URL is set (then, as in the tests, a
 * scratch database next to it, dropped at the end; the name must contain "test").
 */
import { machineLine, writeBenchmarkTable } from './support/benchmarks-file';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { CostingService } from '../src/modules/costing/costing.service';
import { resolveCostChain } from '../src/modules/costing/domain/cost-chain';
import { summarizeCostSheet } from '../src/modules/costing/domain/cost-calculator';
import { PRICED_CATEGORIES } from '../src/modules/costing/domain/cost-sheet';
import { validateCostSheet } from '../src/modules/costing/domain/cost-sheet-validation';
import { serializeCostSummary } from '../src/modules/costing/domain/cost-summary-serializer';
import { bearer, newOrganization, newUser } from '../test/support/builders';
import { cheeseSheet, createSheet, milkSheet, productId } from '../test/support/costing-builders';
import { startTestApp } from '../test/support/test-app';

const WARMUP = 50;
const RUNS = { calculator: 2000, service: 300, http: 300 };

type Body = Record<string, unknown>;

/** 200 lines of every kind, in every category, figures within what validation allows. */
function sheet200(productIdOfCarrot: string): Body {
  const lines: Body[] = [];
  for (let i = 0; i < 200; i++) {
    const category = PRICED_CATEGORIES[i % PRICED_CATEGORIES.length];
    if (i % 40 === 39) {
      lines.push({
        category: 'interest',
        description: `Interés ${i}`,
        annualRate: '0.12',
        months: '6',
      });
    } else if (i % 20 === 19) {
      lines.push({
        category,
        description: `Porcentaje ${i}`,
        rate: '0.01',
        baseCategories: ['inputs', 'hired_labor'],
      });
    } else if (i % 10 === 9) {
      lines.push({
        category: 'depreciation',
        description: `Activo ${i}`,
        assetValue: String(100000 + i * 1000),
        salvageValue: '10000',
        lifeYears: '7',
        share: '0.3',
      });
    } else {
      lines.push({
        category,
        description: `Línea ${i}`,
        quantity: `${1 + (i % 13)}.25`,
        unit: 'unidad',
        unitPrice: String(1000 + i * 37),
      });
    }
  }
  return {
    productId: productIdOfCarrot,
    season: '2026-2027',
    areaHa: '2.5',
    currency: 'CLP',
    yields: { low: '30000', expected: '40000', high: '50000' },
    lines,
  };
}

interface Stats {
  runs: number;
  p50: number;
  p99: number;
}

async function measure(runs: number, operation: () => unknown): Promise<Stats> {
  for (let i = 0; i < WARMUP; i++) await operation();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await operation();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { runs, p50: at(0.5), p99: at(0.99) };
}

const ms = (value: number) => value.toFixed(3);

async function main(): Promise<void> {
  // The same guard as the tests' global setup: a scratch database is created next to this one.
  const url = process.env.DATABASE_URL;
  if (url && !/test/i.test(new URL(url).pathname)) {
    throw new Error('DATABASE_URL must name a database whose name contains "test"');
  }
  const t = await startTestApp({ LOG_LEVEL: 'warn' });
  try {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}/api/v1`;
    const treasurer = await newUser(t.http, 'Tesorera Bench');
    const association = await newOrganization(t.http, treasurer, 'association');
    const [carrot, milk, cheese] = await Promise.all(
      ['zanahoria', 'leche-cabra', 'queso-cabra'].map((code) => productId(t.http, code)),
    );
    const service = t.app.get(CostingService);

    const big = sheet200(carrot);
    const bigSheet = await createSheet(t.http, treasurer, association.id, big);
    const milkBody = milkSheet(milk);
    const milkStored = await createSheet(t.http, treasurer, association.id, milkBody);
    const cheeseBody = cheeseSheet(cheese, milkStored.id);
    const cheeseStored = await createSheet(t.http, treasurer, association.id, cheeseBody);
    const boxBody = cheeseSheet(cheese, cheeseStored.id, {
      name: 'Caja de regalo de quesos',
      yields: { low: '1800', expected: '2000', high: '2200' },
      lines: [
        {
          category: 'inputs',
          description: 'Queso de cabra',
          quantity: '1000',
          unit: 'kg',
          sourceSheetId: cheeseStored.id,
        },
        {
          category: 'packaging',
          description: 'Caja y papel',
          quantity: '2000',
          unit: 'unidad',
          unitPrice: '900',
        },
      ],
    });
    const boxStored = await createSheet(t.http, treasurer, association.id, boxBody);

    const sheetFigures = (body: Body) => ({
      currency: body.currency,
      areaHa: body.areaHa,
      yields: body.yields,
      lines: body.lines,
    });
    const get = async (id: string) => {
      const response = await fetch(`${base}/cost-sheets/${id}/summary`, {
        headers: bearer(treasurer),
      });
      if (response.status !== 200) throw new Error(`summary answered ${response.status}`);
      await response.json();
    };

    const results: { scenario: string; layer: string; stats: Stats }[] = [];
    const record = async (
      scenario: string,
      layer: string,
      runs: number,
      operation: () => unknown,
    ) => {
      results.push({ scenario, layer, stats: await measure(runs, operation) });
    };

    await record('200-line sheet', 'calculator (baseline)', RUNS.calculator, () =>
      serializeCostSummary(summarizeCostSheet(validateCostSheet(sheetFigures(big)))),
    );
    await record('200-line sheet', 'service (database)', RUNS.service, () =>
      service.summary(bigSheet.id),
    );
    await record('200-line sheet', 'HTTP', RUNS.http, () => get(bigSheet.id));

    await record('3-level chain', 'calculator (baseline)', RUNS.calculator, () => {
      const chain = resolveCostChain([
        { id: milkStored.id, sheet: validateCostSheet(sheetFigures(milkBody)) },
        { id: cheeseStored.id, sheet: validateCostSheet(sheetFigures(cheeseBody)) },
        { id: boxStored.id, sheet: validateCostSheet(sheetFigures(boxBody)) },
      ]);
      return serializeCostSummary(chain.summaries.get(boxStored.id)!);
    });
    await record('3-level chain', 'service (database)', RUNS.service, () =>
      service.summary(boxStored.id),
    );
    await record('3-level chain', 'HTTP', RUNS.http, () => get(boxStored.id));

    const check = await service.summary(boxStored.id);
    // Milk 500/l → cheese 4,500/kg → box (1,000 × 4,500 + 2,000 × 900) / 2,000 = 3,150.
    if (check.breakEvenPrice !== '3150.00')
      throw new Error(`unexpected box cost ${check.breakEvenPrice}`);

    writeSection(results, t.config.databaseUrl ? 'PostgreSQL' : 'Embedded PGlite, in memory');
  } finally {
    await t.close();
  }
}

const INTRO = [
  '## Costing',
  '',
  'Summary of a cost sheet (`GET /cost-sheets/:id/summary`, no price), in milliseconds per',
  'call, after 50 warm-up calls. The calculator row is the baseline: validation, chain',
  'resolution, calculation and rounding in memory, nothing else. The service row adds',
  'reading the sheet and every sheet of its chain from the database; HTTP adds the whole',
  'stack (bearer token, access guard and its resolver query, JSON) over a local socket.',
  'Calls are sequential: this is latency, not throughput. The 200-line sheet has 180 priced',
  'lines, 10 depreciation, 5 percentage and 5 interest lines; the chain is goat milk → cheese',
  '(7,000 l of milk) → a gift box of cheese, a couple of lines each, so its rows measure the',
  'three loads more than the arithmetic. Run `npm run bench:costing` for the embedded',
  'database, and with `DATABASE_URL` set for PostgreSQL; each run replaces its own table.',
  '',
].join('\n');

/** Rewrites the Costing section of BENCHMARKS.md, keeping the other database's table. */
function writeSection(
  results: { scenario: string; layer: string; stats: Stats }[],
  database: string,
): void {
  const baseline = new Map(
    results.filter((r) => r.layer.startsWith('calculator')).map((r) => [r.scenario, r.stats]),
  );
  const rows = results.map(({ scenario, layer, stats }) => {
    const base = baseline.get(scenario)!;
    return `| ${scenario} | ${layer} | ${stats.runs} | ${ms(stats.p50)} | ${ms(stats.p99)} | ×${(stats.p50 / base.p50).toFixed(1)} |`;
  });
  const heading = `### ${database}`;
  const table = [
    heading,
    '',
    machineLine(),
    `- Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}npm run bench:costing\`, run ${new Date().toISOString()}`,
    '',
    '| scenario | layer | calls | p50 ms | p99 ms | p50 vs baseline |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');

  writeBenchmarkTable(INTRO, heading, table);
  console.log(table);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
