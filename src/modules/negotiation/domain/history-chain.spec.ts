import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  type ChainedEvent,
  GENESIS_HASH,
  type HistoryEventInput,
  type JsonValue,
  appendEvent,
  verifyChain,
} from './history-chain';
import { canonicalJson } from '../../../shared/json/canonical-json';

function chainOf(inputs: HistoryEventInput[]): ChainedEvent[] {
  const chain: ChainedEvent[] = [];
  for (const input of inputs) chain.push(appendEvent(chain.at(-1) ?? null, input));
  return chain;
}

const lotId = '7d1f7c8e-2f5a-4c7e-9d39-3f7e1a0c2b11';
const story: HistoryEventInput[] = [
  {
    lotId,
    type: 'lot.published',
    at: new Date('2026-03-10T12:00:00Z'),
    actor: 'user:manager',
    data: {},
  },
  {
    lotId,
    type: 'offer.received',
    at: new Date('2026-03-10T13:00:00Z'),
    actor: 'user:buyer',
    data: { offerId: 'o1', price: '420', quantity: '2000' },
  },
  {
    lotId,
    type: 'offer.countered',
    at: new Date('2026-03-10T14:00:00Z'),
    actor: 'user:manager',
    data: { offerId: 'o2', price: '470', counters: 'o1' },
  },
  {
    lotId,
    type: 'offer.accepted',
    at: new Date('2026-03-10T15:00:00Z'),
    actor: 'user:buyer',
    data: { offerId: 'o2', override: null, votes: [{ producerId: 'p1', choice: 'approve' }] },
  },
];

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x y' } })).toBe(
      '{"a":{"c":"x y","d":[3,{"y":null,"z":true}]},"b":1}',
    );
  });

  it('drops undefined properties as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('refuses values with no single JSON form', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(TypeError);
    expect(() => canonicalJson({ at: new Date() })).toThrow(/ISO/);
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ n: 10n })).toThrow(TypeError);
  });

  it('is the same for any key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        return canonicalJson(reversed) === canonicalJson(obj);
      }),
    );
  });
});

describe('hash chain', () => {
  it('links the first event to the genesis hash with sha256(prevHash + canonical JSON)', () => {
    const [first] = chainOf(story);
    const body = `{"actor":"user:manager","at":"2026-03-10T12:00:00.000Z","data":{},"lotId":"${lotId}","seq":1,"type":"lot.published"}`;
    expect(first).toEqual({
      lotId,
      seq: 1,
      type: 'lot.published',
      at: '2026-03-10T12:00:00.000Z',
      actor: 'user:manager',
      data: {},
      prevHash: GENESIS_HASH,
      hash: createHash('sha256')
        .update(GENESIS_HASH + body)
        .digest('hex'),
    });
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('numbers events and links each to the one before', () => {
    const chain = chainOf(story);
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    chain.slice(1).forEach((e, i) => expect(e.prevHash).toBe(chain[i].hash));
    expect(verifyChain(chain)).toEqual({ ok: true, headHash: chain[3].hash, length: 4 });
    expect(verifyChain([])).toEqual({ ok: true, headHash: GENESIS_HASH, length: 0 });
  });

  it('still verifies after a trip through JSON and a database that reorders keys', () => {
    const chain = chainOf(story);
    const stored = JSON.parse(JSON.stringify(chain)) as ChainedEvent[];
    const reordered = stored.map((e) => ({
      ...e,
      data: Object.fromEntries(Object.entries(e.data as Record<string, JsonValue>).reverse()),
    }));
    expect(verifyChain(reordered).ok).toBe(true);
  });

  it('refuses to append an event of another lot', () => {
    const chain = chainOf(story);
    expect(() => appendEvent(chain[3], { ...story[0], lotId: 'other' })).toThrow(/chain of lot/);
  });

  it('detects a removed, reordered or moved row', () => {
    const chain = chainOf(story);
    expect(verifyChain([chain[0], chain[2], chain[3]])).toEqual({
      ok: false,
      seq: 2,
      reason: 'seq_mismatch',
    });
    expect(verifyChain([chain[0], chain[2], chain[1], chain[3]])).toMatchObject({
      ok: false,
      seq: 2,
    });
    const other = chainOf(story.map((e) => ({ ...e, lotId: 'other-lot' })));
    expect(verifyChain([chain[0], other[1]])).toEqual({
      ok: false,
      seq: 2,
      reason: 'lot_mismatch',
    });
  });

  it('detects a cut tail only against the head hash kept elsewhere', () => {
    const chain = chainOf(story);
    const head = chain[3].hash;
    expect(verifyChain(chain.slice(0, 3)).ok).toBe(true);
    expect(verifyChain(chain.slice(0, 3), { expectedHeadHash: head })).toEqual({
      ok: false,
      seq: 4,
      reason: 'head_mismatch',
    });
    expect(verifyChain(chain, { expectedHeadHash: head }).ok).toBe(true);
  });
});

const eventArb: fc.Arbitrary<HistoryEventInput> = fc.record({
  lotId: fc.constant(lotId),
  type: fc.constantFrom(
    'lot.published',
    'offer.received',
    'offer.countered',
    'approval.voted',
    'offer.accepted',
  ),
  at: fc.date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2040-01-01T00:00:00Z'),
    noInvalidDate: true,
  }),
  actor: fc.string({ minLength: 1, maxLength: 20 }),
  data: fc.jsonValue({ maxDepth: 3 }).map((v) => v as JsonValue),
});

type Field = keyof ChainedEvent;
const hexArb = fc.stringMatching(/^[0-9a-f]{64}$/);
const tamperArb: fc.Arbitrary<{ field: Field; value: unknown }> = fc.oneof(
  fc.record({ field: fc.constant<Field>('lotId'), value: fc.string() }),
  fc.record({ field: fc.constant<Field>('seq'), value: fc.integer({ min: -5, max: 50 }) }),
  fc.record({ field: fc.constant<Field>('type'), value: fc.string() }),
  fc.record({
    field: fc.constant<Field>('at'),
    value: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  }),
  fc.record({ field: fc.constant<Field>('actor'), value: fc.string() }),
  fc.record({ field: fc.constant<Field>('data'), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ field: fc.constant<Field>('prevHash'), value: hexArb }),
  fc.record({ field: fc.constant<Field>('hash'), value: hexArb }),
);

describe('hash chain: tampering', () => {
  it('names the first edited row, whatever field of whichever row was changed', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        tamperArb,
        (inputs, pick, { field, value }) => {
          const chain = chainOf(inputs);
          const index = pick % chain.length;
          const original = chain[index];
          // An edit that leaves the row's canonical form unchanged is not an edit.
          fc.pre(canonicalJson(original[field]) !== canonicalJson(value));
          const tampered = chain.map((e, i) => (i === index ? { ...e, [field]: value } : e));
          expect(verifyChain(chain).ok).toBe(true);
          expect(verifyChain(tampered)).toMatchObject({ ok: false, seq: index + 1 });
        },
      ),
      { numRuns: 500 },
    );
  });
});
