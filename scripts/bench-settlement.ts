/**
 * `npm run bench:settlement`: a settlement of 10,000 producers, computed, persisted and its
 * statements CSV produced, with the time and peak memory of each step. The baseline, in the
 * same run and on the same figures, is the pure `computeSettlement` in memory; the service
 * rows add loading the deliveries, writing the draft and its 10,000 payout rows (and, on a
 * recompute, deleting the previous ones), all in one transaction under the lot's lock.
 *
 * Setup is not measured: producers and contributions are inserted in bulk with SQL, the deal
 * is made over HTTP, the delivery of 10,000 lines goes through the service (too large for the
 * 1 MB JSON body limit, and an association this size would upload it as a file anyway).
 *
 * Memory: resident set size sampled every 5 ms during each step, with the step's start and
 * end; the pure computation blocks the event loop, so its peak is also read from the process
 * maximum when that rises during the step. With the embedded database, PGlite lives in this
 * process and its memory counts too. Writes the "Settlement" section of BENCHMARKS.md.
 */
import { machineLine, writeBenchmarkTable } from './support/benchmarks-file';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { DeliveriesService } from '../src/modules/settlement/deliveries.service';
import {
  computeSettlement,
  type SettlementInput,
} from '../src/modules/settlement/domain/payout-split';
import { SettlementsService } from '../src/modules/settlement/settlements.service';
import { dec, sum } from '../src/shared/money';
import { StatementsService } from '../src/modules/settlement/statements.service';
import { bearer, newOrganization, newUser } from '../test/support/builders';
import { startTestApp } from '../test/support/test-app';

const PRODUCERS = 10_000;
const BASELINE_RUNS = 5;
const PRICE = '245';
const MIB = 2 ** 20;

interface Step {
  step: string;
  ms: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  note: string;
}

async function measure<T>(
  step: string,
  operation: () => Promise<T> | T,
  note: (result: T) => string = () => '',
): Promise<{ result: T; row: Step }> {
  global.gc?.();
  const before = process.memoryUsage.rss();
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  const start = performance.now();
  const result = await operation();
  const ms = performance.now() - start;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  if (maxAfter > maxBefore) peak = Math.max(peak, maxAfter);
  return {
    result,
    row: { step, ms, rssBeforeMiB: before / MIB, rssPeakMiB: peak / MIB, note: note(result) },
  };
}

/** Quantities and grades that vary, so the split has real remainders to rank. */
function lineOf(index: number): { delivered: string; accepted: string; grade: string } {
  const delivered = 50 + (index % 37) + (index % 3) * 0.5;
  const accepted = index % 5 === 0 ? delivered - 3 : delivered;
  return { delivered: String(delivered), accepted: String(accepted), grade: index % 4 ? 'A' : 'B' };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url && !/test/i.test(new URL(url).pathname)) {
    throw new Error('DATABASE_URL must name a database whose name contains "test"');
  }
  const t = await startTestApp({ LOG_LEVEL: 'warn' });
  try {
    const db = t.app.get(DataSource);
    const manager = await newUser(t.http, 'Gerente Bench');
    const treasurer = await newUser(t.http, 'Tesorera Bench');
    const buyer = await newUser(t.http, 'Comprador Bench');
    const association = await newOrganization(t.http, manager, 'association');
    await newOrganization(t.http, buyer, 'buyer');
    await t.http
      .post(`/api/v1/organizations/${association.id}/members`)
      .set(bearer(manager))
      .send({ email: treasurer.email, role: 'treasurer' })
      .expect(201);
    await t.http
      .patch(`/api/v1/organizations/${association.id}/policy`)
      .set(bearer(manager))
      .send({ commissionRate: '0.03' })
      .expect(200);
    // The lot, its publication and the offer are made here rather than with the lot builders
    // of the tests, which use Jest's expect and so do not compile in the build of this script.
    const products = await t.http.get('/api/v1/products?limit=100').expect(200);
    const carrot = (products.body as { items: { id: string; code: string }[] }).items.find(
      (product) => product.code === 'zanahoria',
    )!;
    const created = await t.http
      .post(`/api/v1/organizations/${association.id}/lots`)
      .set(bearer(manager))
      .send({
        productId: carrot.id,
        grade: 'A',
        unit: 'kg',
        currency: 'CLP',
        mechanism: 'negotiation',
        minOrderQuantity: '10',
        deliveryFrom: '2026-12-10',
        deliveryTo: '2026-12-20',
        deliveryPoint: 'Sede de la asociación, Lasana',
      })
      .expect(201);
    const lot = created.body as { id: string };

    const lines = Array.from({ length: PRODUCERS }, (_, index) => lineOf(index));
    const producerIds = (
      await db.query<{ id: string }[]>(
        `INSERT INTO producers (organization_id, name)
         SELECT $1, 'Familia ' || lpad(n::text, 5, '0') FROM generate_series(1, $2) AS n
         RETURNING id`,
        [association.id, PRODUCERS],
      )
    ).map((row) => row.id);
    const total = sum(lines.map((line) => line.delivered)).toFixed();
    await db.query(
      `INSERT INTO lot_contributions (lot_id, producer_id, quantity)
       SELECT $1, u.producer_id, u.quantity FROM unnest($2::uuid[], $3::numeric[])
         AS u(producer_id, quantity)`,
      [lot.id, producerIds, lines.map((line) => line.delivered)],
    );
    await db.query(`UPDATE lots SET quantity_total = $2 WHERE id = $1`, [lot.id, total]);
    await t.http.post(`/api/v1/lots/${lot.id}/publish`).set(bearer(manager)).expect(200);
    const offered = await t.http
      .post(`/api/v1/lots/${lot.id}/offers`)
      .set(bearer(buyer))
      .send({
        price: PRICE,
        quantity: total,
        paymentTermsDays: 30,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .expect(201);
    const offer = offered.body as { id: string };
    const accepted = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(201);
    const dealId = (accepted.body as { deal: { id: string } }).deal.id;
    const managerUser = { id: manager.id, email: manager.email, isPlatformAdmin: false };
    const treasurerUser = { id: treasurer.id, email: treasurer.email, isPlatformAdmin: false };

    const deliveryLines = producerIds.map((producerId, index) => ({
      producerId,
      quantityDelivered: lines[index].delivered,
      quantityAccepted: lines[index].accepted,
      grade: lines[index].grade,
    }));
    const deductions = [
      { type: 'freight' as const, amount: '1500000' },
      { type: 'packaging' as const, rate: '0.02' },
    ];
    const gradeFactors = { A: '1', B: '0.85' };
    const input: SettlementInput = {
      currency: 'CLP',
      deals: [{ dealId, price: PRICE, lines: deliveryLines }],
      deductions,
      gradeFactors,
      defaultCommissionRate: '0.03',
    };

    const steps: Step[] = [];
    for (let run = 1; run <= BASELINE_RUNS; run++) {
      const { row } = await measure(
        `computeSettlement, pure (baseline), run ${run}`,
        () => computeSettlement(input),
        (figures) => `net ${figures.net}`,
      );
      steps.push(row);
    }
    const deliveries = t.app.get(DeliveriesService);
    steps.push(
      (
        await measure('record the delivery (10,000 lines), service', () =>
          deliveries.record(dealId, managerUser, { lines: deliveryLines }),
        )
      ).row,
    );
    const settlements = t.app.get(SettlementsService);
    const statements = t.app.get(StatementsService);
    let settlementId = '';
    for (let run = 1; run <= 3; run++) {
      const { result, row } = await measure(
        run === 1
          ? 'compute + persist the draft, service'
          : `recompute + persist the draft, service, run ${run - 1}`,
        () => settlements.compute(lot.id, treasurerUser, { deductions, gradeFactors }),
        ({ settlement }) => `net ${settlement.net}, version ${settlement.version}`,
      );
      settlementId = result.settlement.id;
      steps.push(row);
    }
    for (let run = 1; run <= 3; run++) {
      steps.push(
        (
          await measure(
            `statements CSV, service, run ${run}`,
            () => statements.csv(settlementId),
            ({ csv }) => `${(Buffer.byteLength(csv) / MIB).toFixed(2)} MiB`,
          )
        ).row,
      );
    }
    steps.push(
      (
        await measure(
          'confirm (10,001 outbox events), service',
          () => settlements.confirm(settlementId, treasurerUser),
          (settlement) => settlement.status,
        )
      ).row,
    );

    // The persisted figures are the pure ones: same net, same payouts, to the peso.
    const pure = computeSettlement(input);
    const stored = await settlements.payoutsOf(settlementId);
    const mismatches = pure.payouts.filter(
      (payout, index) => !dec(stored[index]?.amount ?? '-1').equals(dec(payout.amount)),
    );
    if (stored.length !== PRODUCERS || mismatches.length > 0) {
      throw new Error(`stored payouts differ from the pure computation (${mismatches.length})`);
    }

    for (const step of steps) {
      console.log(
        `${step.step.padEnd(52)} ${step.ms.toFixed(1).padStart(9)} ms  rss ${step.rssBeforeMiB.toFixed(0)} → peak ${step.rssPeakMiB.toFixed(0)} MiB  ${step.note}`,
      );
    }
    writeSection(steps, t.config.databaseUrl ? 'PostgreSQL' : 'Embedded PGlite, in memory');
  } finally {
    await t.close();
  }
}

const INTRO = [
  '## Settlement',
  '',
  'A settlement of 10,000 producers of one carrot lot sold in one deal (quantities 50 to 87 kg,',
  'a quarter of them grade B at 0.85, one in five with 3 kg rejected), with freight, packaging',
  "at 2 % and the association's 3 % commission. The baseline is the pure `computeSettlement` on",
  'the same figures, in memory. The service rows are `SettlementsService.compute` (load the',
  'deliveries under the lot lock, compute, write the draft and its 10,000 payout rows in one',
  '`INSERT … SELECT FROM unnest`; a recompute first deletes the previous rows), the statements',
  'CSV (read the payouts with the producers, build the file) and the confirmation (one',
  '`settlement.confirmed` and 10,000 `payout.ready` outbox events). Memory is the resident set',
  'of the whole process, sampled every 5 ms; with the embedded database PGlite is inside it.',
  'Run `npm run bench:settlement` for the embedded database, and with `DATABASE_URL` set for',
  'PostgreSQL; each run replaces its own table.',
  '',
].join('\n');

/** Rewrites this database's table in the Settlement section of BENCHMARKS.md. */
function writeSection(steps: Step[], database: string): void {
  const baselines = steps.filter((step) => step.step.includes('baseline')).map((s) => s.ms);
  const baseline = baselines.sort((a, b) => a - b)[Math.floor(baselines.length / 2)];
  const heading = `### ${database}`;
  const table = [
    heading,
    '',
    machineLine(),
    `- Command: \`${process.env.DATABASE_URL ? 'DATABASE_URL=… ' : ''}npm run bench:settlement\`, run ${new Date().toISOString()}, load average ${os.loadavg()[0].toFixed(1)} (the machine is shared)`,
    `- Baseline: median of the ${baselines.length} pure runs, ${baseline.toFixed(1)} ms; peak RSS of the whole run ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    '',
    '| step | ms | vs baseline | RSS before MiB | RSS peak MiB | result |',
    '|---|---|---|---|---|---|',
    ...steps.map(
      (step) =>
        `| ${step.step} | ${step.ms.toFixed(1)} | ×${(step.ms / baseline).toFixed(1)} | ${step.rssBeforeMiB.toFixed(0)} | ${step.rssPeakMiB.toFixed(0)} | ${step.note} |`,
    ),
    '',
  ].join('\n');

  writeBenchmarkTable(INTRO, heading, table);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
