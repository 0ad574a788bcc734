import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JobQueue } from '../../src/shared/jobs/job-queue';
import type { OutboxEvent } from '../../src/shared/outbox/outbox-event.entity';
import { Outbox } from '../../src/shared/outbox/outbox.service';
import { startTestApp, type TestApp } from '../support/test-app';

async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('outbox and jobs (Bull with REDIS_URL, in-process without)', () => {
  let t: TestApp;
  let outbox: Outbox;
  let jobs: JobQueue;
  let dataSource: DataSource;
  const delivered: OutboxEvent[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    outbox = t.app.get(Outbox);
    jobs = t.app.get(JobQueue);
    dataSource = t.app.get(DataSource);
    outbox.subscribe('test.happened', (event) => {
      delivered.push(event);
      return Promise.resolve();
    });
  });

  afterAll(() => t.close());

  it('delivers an event written in a committed transaction, once', async () => {
    const marker = randomUUID();
    await dataSource.transaction((manager) =>
      outbox.record(manager, { type: 'test.happened', aggregateType: 'test', payload: { marker } }),
    );
    await outbox.relayOnce();
    await outbox.relayOnce();
    await waitFor(() => delivered.some((event) => event.payload.marker === marker));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(delivered.filter((event) => event.payload.marker === marker)).toHaveLength(1);
    const [row] = await dataSource.query<{ published_at: Date | null }[]>(
      `SELECT published_at FROM outbox_events WHERE payload->>'marker' = $1`,
      [marker],
    );
    expect(row.published_at).toBeInstanceOf(Date);
  });

  it('writes nothing when the transaction rolls back', async () => {
    const marker = randomUUID();
    await expect(
      dataSource.transaction(async (manager) => {
        await outbox.record(manager, {
          type: 'test.happened',
          aggregateType: 'test',
          payload: { marker },
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await outbox.relayOnce();
    const rows = await dataSource.query<unknown[]>(
      `SELECT 1 FROM outbox_events WHERE payload->>'marker' = $1`,
      [marker],
    );
    expect(rows).toHaveLength(0);
    expect(delivered.some((event) => event.payload.marker === marker)).toBe(false);
  });

  it('records the events of a real change in the same transaction (a registration)', async () => {
    const email = `outbox.${randomUUID()}@ayllu.test`;
    const user = await t.http
      .post('/api/v1/auth/register')
      .send({ email, password: 'una clave bastante larga', displayName: 'Outbox' })
      .expect(201);
    await t.http
      .post('/api/v1/auth/register')
      .send({ email, password: 'una clave bastante larga', displayName: 'Outbox' })
      .expect(409);
    const rows = await dataSource.query<{ aggregate_id: string }[]>(
      `SELECT aggregate_id FROM outbox_events WHERE type = 'user.registered' AND aggregate_id = $1`,
      [user.body.id],
    );
    expect(rows).toHaveLength(1);
  });

  it('runs a job once per deterministic id, after its delay', async () => {
    const runs: string[] = [];
    jobs.register<{ value: string }>('test.once', (data) => {
      runs.push(data.value);
      return Promise.resolve();
    });
    const jobId = `test-once-${randomUUID()}`;
    const enqueuedAt = Date.now();
    await jobs.enqueue('test.once', { value: 'first' }, { jobId, delayMs: 300 });
    await jobs.enqueue('test.once', { value: 'second' }, { jobId, delayMs: 300 });
    await waitFor(() => runs.length > 0);
    expect(Date.now() - enqueuedAt).toBeGreaterThanOrEqual(250);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(runs).toEqual(['first']);
  });

  it('retries a failing job until it succeeds', async () => {
    let attempts = 0;
    jobs.register('test.flaky', () => {
      attempts += 1;
      return attempts < 2 ? Promise.reject(new Error('transient')) : Promise.resolve();
    });
    await jobs.enqueue('test.flaky', {}, { jobId: `test-flaky-${randomUUID()}`, attempts: 3 });
    await waitFor(() => attempts >= 2);
    expect(attempts).toBe(2);
  });
});
