import { DomainError } from '../../../shared/errors/domain-error';
import {
  assertBidAllowed,
  assertNegotiable,
  assertTenderClosed,
  isTenderClosed,
  standsAtClose,
  tenderCloseDue,
} from './tender-window';

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const closesAt = new Date('2026-03-12T18:00:00Z');
const before = new Date(closesAt.getTime() - 1);
const tender = { mechanism: 'tender' as const, status: 'open' as const, closesAt };

describe('tender window', () => {
  it('closes at closesAt exactly', () => {
    expect(isTenderClosed(closesAt, before)).toBe(false);
    expect(isTenderClosed(closesAt, closesAt)).toBe(true);
  });

  it('takes bids until closesAt, even if the close job never ran', () => {
    expect(codeOf(() => assertBidAllowed(tender, before))).toBeNull();
    // the row still says open: the time alone refuses the bid
    expect(codeOf(() => assertBidAllowed(tender, closesAt))).toBe('TENDER_CLOSED');
    expect(codeOf(() => assertBidAllowed({ ...tender, status: 'closed' }, before))).toBe(
      'TENDER_CLOSED',
    );
  });

  it('says TENDER_CLOSED whatever the close made of the lot', () => {
    for (const status of ['sold', 'partially_sold', 'expired', 'delivered'] as const) {
      expect([status, codeOf(() => assertBidAllowed({ ...tender, status }, closesAt))]).toEqual([
        status,
        'TENDER_CLOSED',
      ]);
    }
  });

  it('refuses bids on lots that are not open tenders', () => {
    expect(codeOf(() => assertBidAllowed({ ...tender, status: 'draft' }, before))).toBe(
      'LOT_NOT_OPEN',
    );
    expect(codeOf(() => assertBidAllowed({ ...tender, status: 'cancelled' }, before))).toBe(
      'LOT_NOT_OPEN',
    );
    expect(
      codeOf(() =>
        assertBidAllowed({ mechanism: 'negotiation', status: 'open', closesAt: null }, before),
      ),
    ).toBe('WRONG_MECHANISM');
  });

  it('keeps offers and counters to negotiation lots that are open', () => {
    expect(codeOf(() => assertNegotiable({ mechanism: 'negotiation', status: 'open' }))).toBeNull();
    expect(codeOf(() => assertNegotiable({ mechanism: 'tender', status: 'open' }))).toBe(
      'WRONG_MECHANISM',
    );
    for (const status of ['draft', 'cancelled', 'sold', 'expired'] as const) {
      expect(codeOf(() => assertNegotiable({ mechanism: 'negotiation', status }))).toBe(
        'LOT_NOT_OPEN',
      );
    }
  });

  it('tells the job and the lazy path when the close is due, once', () => {
    expect(tenderCloseDue(tender, before)).toBe(false);
    expect(tenderCloseDue(tender, closesAt)).toBe(true);
    // whichever runs second finds the lot already moved on
    expect(tenderCloseDue({ ...tender, status: 'closed' }, closesAt)).toBe(false);
    expect(tenderCloseDue({ ...tender, status: 'sold' }, closesAt)).toBe(false);
    expect(tenderCloseDue({ mechanism: 'negotiation', status: 'open', closesAt }, closesAt)).toBe(
      false,
    );
  });

  it('has an allocation report only after close', () => {
    expect(codeOf(() => assertTenderClosed(tender, before))).toBe('TENDER_NOT_CLOSED');
    expect(codeOf(() => assertTenderClosed(tender, closesAt))).toBeNull();
    expect(
      codeOf(() => assertTenderClosed({ ...tender, status: 'partially_sold' }, before)),
    ).toBeNull();
  });

  it('counts a bid at the close only if it was still pending at closesAt', () => {
    const bid = (status: 'pending' | 'superseded', expiresAt: Date) => ({ status, expiresAt });
    expect(standsAtClose(bid('pending', new Date(closesAt.getTime() + 1)), closesAt)).toBe(true);
    expect(standsAtClose(bid('pending', closesAt), closesAt)).toBe(false);
    expect(standsAtClose(bid('pending', before), closesAt)).toBe(false);
    expect(standsAtClose(bid('superseded', new Date(closesAt.getTime() + 1)), closesAt)).toBe(
      false,
    );
  });
});
