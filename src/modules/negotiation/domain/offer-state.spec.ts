import fc from 'fast-check';
import { DomainError, errorCodeSpec } from '../../../shared/errors/domain-error';
import {
  OFFER_EVENTS,
  OFFER_STATUSES,
  type OfferAction,
  type OfferEvent,
  type OfferParty,
  type OfferStatus,
  decideOfferAction,
  effectiveStatus,
  expirySweepAt,
  offerExpiryDue,
  otherParty,
  transitionOffer,
} from './offer-state';

type Outcome = { to: OfferStatus } | { code: string; details: Record<string, unknown> };

function outcome(fn: () => OfferStatus): Outcome {
  try {
    return { to: fn() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: { ...error.details } };
  }
}

// The design's offer machine, by hand.
const FROM_PENDING: Record<OfferEvent, OfferStatus> = {
  counter: 'countered',
  accept: 'accepted',
  reject: 'rejected',
  withdraw: 'withdrawn',
  expire: 'expired',
  supersede: 'superseded',
};

const now = new Date('2026-03-10T12:00:00Z');
const later = new Date('2026-03-10T18:00:00Z');

describe('offer state machine', () => {
  const cells = OFFER_STATUSES.flatMap((from) => OFFER_EVENTS.map((event) => ({ from, event })));

  it('has the seven statuses and six events of the design', () => {
    expect(cells).toHaveLength(7 * 6);
  });

  it.each(cells)('$from --$event-->', ({ from, event }) => {
    let want: Outcome;
    if (from === 'pending') want = { to: FROM_PENDING[event] };
    else {
      want = {
        code: from === 'expired' ? 'OFFER_EXPIRED' : 'OFFER_NOT_PENDING',
        details: { entity: 'offer', from, event },
      };
    }
    expect(outcome(() => transitionOffer(from, event))).toEqual(want);
  });

  it('refuses with 409 codes', () => {
    expect(errorCodeSpec('OFFER_EXPIRED')?.status).toBe(409);
    expect(errorCodeSpec('OFFER_NOT_PENDING')?.status).toBe(409);
  });
});

describe('lazy expiry', () => {
  const expiresAt = new Date('2026-03-10T15:00:00Z');

  it('counts a pending offer as expired from its expiresAt on, whatever the row says', () => {
    expect(effectiveStatus({ status: 'pending', expiresAt }, now)).toBe('pending');
    expect(
      effectiveStatus({ status: 'pending', expiresAt }, new Date(expiresAt.getTime() - 1)),
    ).toBe('pending');
    expect(effectiveStatus({ status: 'pending', expiresAt }, expiresAt)).toBe('expired');
    expect(effectiveStatus({ status: 'pending', expiresAt }, later)).toBe('expired');
  });

  it('leaves a decided offer as it was', () => {
    for (const status of OFFER_STATUSES.filter((s) => s !== 'pending')) {
      expect(effectiveStatus({ status, expiresAt }, later)).toBe(status);
    }
  });

  it('tells the expiry job when the row needs updating', () => {
    expect(offerExpiryDue({ status: 'pending', expiresAt }, later)).toBe(true);
    expect(offerExpiryDue({ status: 'pending', expiresAt }, now)).toBe(false);
    expect(offerExpiryDue({ status: 'expired', expiresAt }, later)).toBe(false);
    expect(offerExpiryDue({ status: 'accepted', expiresAt }, later)).toBe(false);
  });

  it('expires an offer with the job of the end of its second', () => {
    const sweep = (iso: string) => expirySweepAt(new Date(iso)).toISOString();
    expect(sweep('2026-11-25T10:00:00.001Z')).toBe('2026-11-25T10:00:01.000Z');
    expect(sweep('2026-11-25T10:00:00.999Z')).toBe('2026-11-25T10:00:01.000Z');
    // An offer due on the second itself is expired by that second's job, not the next.
    expect(sweep('2026-11-25T10:00:01.000Z')).toBe('2026-11-25T10:00:01.000Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
        const at = expirySweepAt(new Date(ms)).getTime();
        return at >= ms && at - ms < 1000 && at % 1000 === 0;
      }),
    );
  });

  it('refuses to accept a stored-pending offer past its expiry even though no job ran', () => {
    const offer = { status: 'pending' as const, madeBy: 'buyer' as const, expiresAt };
    expect(decideOfferAction({ offer, actor: 'association', action: 'accept', now })).toBe(
      'accepted',
    );
    expect(
      outcome(() =>
        decideOfferAction({ offer, actor: 'association', action: 'accept', now: later }),
      ),
    ).toEqual({
      code: 'OFFER_EXPIRED',
      details: { entity: 'offer', from: 'expired', event: 'accept' },
    });
  });
});

describe('who may move an offer', () => {
  const ACTIONS: OfferAction[] = ['accept', 'reject', 'counter', 'withdraw'];
  const PARTIES: OfferParty[] = ['buyer', 'association'];
  const expiresAt = new Date('2026-03-10T15:00:00Z');
  // The stored status and the clock together: "pending, past expiry" is the lazy case.
  const situations: { status: OfferStatus; at: Date; effective: OfferStatus }[] = [
    { status: 'pending', at: now, effective: 'pending' },
    { status: 'pending', at: later, effective: 'expired' },
    ...OFFER_STATUSES.filter((s) => s !== 'pending').map((status) => ({
      status,
      at: now,
      effective: status,
    })),
  ];
  const cells = PARTIES.flatMap((madeBy) =>
    PARTIES.flatMap((actor) =>
      ACTIONS.flatMap((action) => situations.map((s) => ({ madeBy, actor, action, ...s }))),
    ),
  );

  it.each(cells)(
    'made by $madeBy, $actor tries to $action while $status at $at',
    ({ madeBy, actor, action, status, at, effective }) => {
      let want: Outcome;
      if (action === 'withdraw' && actor !== madeBy) {
        want = { code: 'NOT_OFFER_MAKER', details: { madeBy, actor, action } };
      } else if (action !== 'withdraw' && actor === madeBy) {
        want = { code: 'NOT_YOUR_TURN', details: { madeBy, actor, action } };
      } else if (effective === 'pending') {
        want = { to: FROM_PENDING[action] };
      } else {
        want = {
          code: effective === 'expired' ? 'OFFER_EXPIRED' : 'OFFER_NOT_PENDING',
          details: { entity: 'offer', from: effective, event: action },
        };
      }
      expect(
        outcome(() =>
          decideOfferAction({ offer: { status, madeBy, expiresAt }, actor, action, now: at }),
        ),
      ).toEqual(want);
    },
  );

  it('answers a maker who tries to accept its own offer with 403', () => {
    const offer = { status: 'pending' as const, madeBy: 'buyer' as const, expiresAt };
    const result = outcome(() =>
      decideOfferAction({ offer, actor: 'buyer', action: 'accept', now }),
    );
    expect(result).toMatchObject({ code: 'NOT_YOUR_TURN' });
    expect(errorCodeSpec('NOT_YOUR_TURN')?.status).toBe(403);
    expect(errorCodeSpec('NOT_OFFER_MAKER')?.status).toBe(403);
  });

  it('refuses to accept a withdrawn or superseded offer with 409', () => {
    for (const status of ['withdrawn', 'superseded', 'countered'] as const) {
      const offer = { status, madeBy: 'buyer' as const, expiresAt };
      expect(
        outcome(() => decideOfferAction({ offer, actor: 'association', action: 'accept', now })),
      ).toMatchObject({ code: 'OFFER_NOT_PENDING', details: { from: status } });
    }
  });

  it('alternates the turn', () => {
    expect(otherParty('buyer')).toBe('association');
    expect(otherParty('association')).toBe('buyer');
  });
});
