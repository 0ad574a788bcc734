import { errorCodeSpec } from '../../../shared/errors/domain-error';
import { PoolingErrors } from '../../pooling/domain/pooling.errors';
import { NegotiationErrors } from './negotiation.errors';

describe('error catalogue of pooling and negotiation', () => {
  it('registers each code with its status and both titles', () => {
    const expected: Record<string, number> = {
      LOT_NOT_OPEN: 409,
      LOT_HAS_DEALS: 409,
      LOT_HAS_PENDING_APPROVAL: 409,
      LOT_EMPTY: 409,
      INSUFFICIENT_QUANTITY: 400,
      INSUFFICIENT_QUANTITY_LEFT: 409,
      OFFER_EXPIRED: 409,
      OFFER_NOT_PENDING: 409,
      NOT_YOUR_TURN: 403,
      NOT_OFFER_MAKER: 403,
      BELOW_FLOOR_PRICE: 409,
      WRONG_MECHANISM: 409,
      TENDER_CLOSED: 409,
      TENDER_NOT_CLOSED: 409,
      BID_HIDDEN: 403,
      APPROVAL_PENDING: 409,
      APPROVAL_NOT_PENDING: 409,
      NOT_ELIGIBLE_VOTER: 403,
      ALREADY_VOTED: 409,
    };
    const codes = [...Object.keys(PoolingErrors), ...Object.keys(NegotiationErrors)];
    expect(codes.sort()).toEqual(Object.keys(expected).sort());
    for (const code of codes) {
      const spec = errorCodeSpec(code);
      expect([code, spec?.status]).toEqual([code, expected[code]]);
      expect(spec?.title.es).toBeTruthy();
      expect(spec?.title.en).toBeTruthy();
    }
  });
});
