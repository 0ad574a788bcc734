import { DomainError, errorCodeSpec } from '../../../shared/errors/domain-error';
import {
  LOT_EVENTS,
  LOT_STATUSES,
  type LotEvent,
  type LotStatus,
  assertLotOpen,
  isTerminalLotStatus,
  transitionLot,
} from './lot-state';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

// The design's lot machine, written out by hand: the table in lot-state.ts must match it.
const ALLOWED: Record<string, LotStatus> = {
  'draft publish': 'open',
  'draft cancel': 'cancelled',
  'open close': 'closed',
  'open sell_out': 'sold',
  'open sell_part': 'partially_sold',
  'open cancel': 'cancelled',
  'open expire': 'expired',
  'closed sell_out': 'sold',
  'closed sell_part': 'partially_sold',
  'closed cancel': 'cancelled',
  'closed expire': 'expired',
  'sold deliver': 'delivered',
  'partially_sold deliver': 'delivered',
  'delivered settle': 'settled',
};

type Outcome = { to: LotStatus } | { code: string; entity: unknown; from: unknown; event: unknown };

function expected(from: LotStatus, event: LotEvent, hasDeals: boolean): Outcome {
  const to = ALLOWED[`${from} ${event}`];
  const refused = (code: string) => ({ code, entity: 'lot', from, event });
  if (to === undefined) return refused('INVALID_TRANSITION');
  if (hasDeals && (event === 'cancel' || event === 'expire')) return refused('LOT_HAS_DEALS');
  if (!hasDeals && (event === 'sell_out' || event === 'sell_part')) {
    return refused('INVALID_TRANSITION');
  }
  return { to };
}

function outcome(from: LotStatus, event: LotEvent, hasDeals: boolean): Outcome {
  try {
    return { to: transitionLot(from, event, { hasDeals }) };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { entity, from: f, event: e } = error.details;
    return { code: error.code, entity, from: f, event: e };
  }
}

const cells = LOT_STATUSES.flatMap((from) =>
  LOT_EVENTS.flatMap((event) =>
    [false, true].map((hasDeals) => ({
      from,
      event,
      hasDeals,
      want: expected(from, event, hasDeals),
    })),
  ),
);

describe('lot state machine', () => {
  it('covers every status and event of the design', () => {
    expect(cells).toHaveLength(9 * 8 * 2);
    expect(new Set(Object.values(ALLOWED))).toEqual(
      new Set([
        'open',
        'closed',
        'sold',
        'partially_sold',
        'delivered',
        'settled',
        'cancelled',
        'expired',
      ]),
    );
  });

  it.each(cells)('$from --$event--> (hasDeals $hasDeals)', ({ from, event, hasDeals, want }) => {
    expect(outcome(from, event, hasDeals)).toEqual(want);
  });

  it('refuses every such cell with a 409', () => {
    const codes = new Set(cells.flatMap(({ want }) => ('code' in want ? [want.code] : [])));
    expect([...codes].sort()).toEqual(['INVALID_TRANSITION', 'LOT_HAS_DEALS']);
    for (const code of codes) expect(errorCodeSpec(code)?.status).toBe(409);
  });

  it('refuses to cancel an open lot once a deal exists', () => {
    expect(refusal(() => transitionLot('open', 'cancel', { hasDeals: true })).code).toBe(
      'LOT_HAS_DEALS',
    );
    expect(transitionLot('open', 'cancel', { hasDeals: false })).toBe('cancelled');
  });

  it('knows the terminal statuses', () => {
    const terminal = LOT_STATUSES.filter(isTerminalLotStatus);
    expect(terminal.sort()).toEqual(['cancelled', 'expired', 'settled']);
  });

  it('takes offers only while open', () => {
    expect(() => assertLotOpen('open')).not.toThrow();
    for (const status of LOT_STATUSES.filter((s) => s !== 'open')) {
      const error = refusal(() => assertLotOpen(status));
      expect(error.code).toBe('LOT_NOT_OPEN');
      expect(error.details).toEqual({ status });
    }
  });
});
