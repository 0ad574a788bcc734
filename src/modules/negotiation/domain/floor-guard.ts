import { DomainError, validationFailed } from '../../../shared/errors/domain-error';
import { type DecimalInput, dec, toDecimalString } from '../../../shared/money';
import type { FloorPolicy } from '../../identity/domain/roles';
import { NegotiationErrors } from './negotiation.errors';

export const MAX_OVERRIDE_REASON_LENGTH = 1000;

/** Goes into the lot's history, so the members can see who sold below cost and why. */
export interface FloorOverride {
  price: string;
  floorPrice: string;
  reason: string;
}

export type FloorCheck =
  { belowFloor: false; override: null } | { belowFloor: true; override: FloorOverride };

/**
 * The association's guard against selling below its members' break-even. Apply it on the
 * association's side only (its acceptance of a buyer's offer, its own counters): the refusal
 * carries the floor, which a buyer must never see.
 *
 * A lot without any costed contribution has no floor and passes. A price equal to the floor
 * passes: the floor is already the break-even rounded up.
 */
export function guardFloor(input: {
  price: DecimalInput;
  floorPrice: DecimalInput | null;
  policy: FloorPolicy;
  overrideReason?: string | null;
}): FloorCheck {
  if (input.floorPrice === null) return { belowFloor: false, override: null };
  const price = dec(input.price);
  const floor = dec(input.floorPrice);
  if (price.greaterThanOrEqualTo(floor)) return { belowFloor: false, override: null };

  const details = {
    price: toDecimalString(price),
    floorPrice: toDecimalString(floor),
    policy: input.policy,
  };
  switch (input.policy) {
    case 'block':
      throw new DomainError(
        NegotiationErrors.BELOW_FLOOR_PRICE,
        `price ${details.price} is below the floor of ${details.floorPrice}`,
        { ...details, overridable: false },
      );
    case 'override_with_reason': {
      const reason = (input.overrideReason ?? '').trim();
      if (reason === '') {
        // Same code as a blocked floor so clients handle one refusal; `overridable` says a
        // reason would let it through.
        throw new DomainError(
          NegotiationErrors.BELOW_FLOOR_PRICE,
          `price ${details.price} is below the floor of ${details.floorPrice}; give a reason to override`,
          { ...details, overridable: true },
        );
      }
      if (reason.length > MAX_OVERRIDE_REASON_LENGTH) {
        throw validationFailed([
          {
            field: 'overrideReason',
            code: 'TOO_LONG',
            message: `must be at most ${MAX_OVERRIDE_REASON_LENGTH} characters`,
          },
        ]);
      }
      return {
        belowFloor: true,
        override: { price: details.price, floorPrice: details.floorPrice, reason },
      };
    }
  }
}
