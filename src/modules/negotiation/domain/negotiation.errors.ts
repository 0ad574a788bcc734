import { defineErrorCodes } from '../../../shared/errors/domain-error';

/**
 * Codes of the negotiation rules.
 *
 * BELOW_FLOOR_PRICE is 409, not 422: the offer is well formed and would be accepted against
 * another floor (cost sheets change) or under the other floor policy, so the refusal comes
 * from the lot's current state, like every other state refusal here. 422 would tell the
 * client to fix its payload, and there is nothing in the payload to fix.
 *
 * BID_HIDDEN is 403: the association may read its tender's bids, only not yet; nothing about
 * the bids (not even whether they exist) is disclosed. A buyer asking for another buyer's
 * offer or bid gets the common NOT_FOUND instead, because it may not know it exists.
 */
export const NegotiationErrors = defineErrorCodes({
  INSUFFICIENT_QUANTITY_LEFT: {
    status: 409,
    title: {
      es: 'El lote ya no tiene esa cantidad disponible',
      en: 'The lot no longer has that quantity available',
    },
  },
  OFFER_EXPIRED: {
    status: 409,
    title: { es: 'La oferta venció', en: 'The offer has expired' },
  },
  OFFER_NOT_PENDING: {
    status: 409,
    title: {
      es: 'La oferta ya no está pendiente',
      en: 'The offer is no longer pending',
    },
  },
  NOT_YOUR_TURN: {
    status: 403,
    title: {
      es: 'Solo la otra parte puede responder a esta oferta',
      en: 'Only the other party may respond to this offer',
    },
  },
  NOT_OFFER_MAKER: {
    status: 403,
    title: {
      es: 'Solo quien hizo la oferta puede retirarla',
      en: 'Only the party that made the offer may withdraw it',
    },
  },
  BELOW_FLOOR_PRICE: {
    status: 409,
    title: {
      es: 'El precio está bajo el precio mínimo del lote',
      en: 'The price is below the lot floor price',
    },
  },
  WRONG_MECHANISM: {
    status: 409,
    title: {
      es: 'El lote no se vende por este mecanismo',
      en: 'The lot is not sold through this mechanism',
    },
  },
  TENDER_CLOSED: {
    status: 409,
    title: { es: 'La licitación está cerrada', en: 'The tender is closed' },
  },
  TENDER_NOT_CLOSED: {
    status: 409,
    title: {
      es: 'La licitación aún no cierra',
      en: 'The tender has not closed yet',
    },
  },
  BID_HIDDEN: {
    status: 403,
    title: {
      es: 'Las posturas son secretas hasta el cierre',
      en: 'Bids stay sealed until the tender closes',
    },
  },
  APPROVAL_PENDING: {
    status: 409,
    title: {
      es: 'La oferta ya espera una aprobación',
      en: 'The offer already awaits an approval',
    },
  },
  APPROVAL_NOT_PENDING: {
    status: 409,
    title: {
      es: 'La aprobación ya está cerrada',
      en: 'The approval is already closed',
    },
  },
  NOT_ELIGIBLE_VOTER: {
    status: 403,
    title: {
      es: 'No puede votar en esta aprobación',
      en: 'You may not vote on this approval',
    },
  },
  ALREADY_VOTED: {
    status: 409,
    title: { es: 'Ya votó en esta aprobación', en: 'You already voted on this approval' },
  },
});

export type NegotiationErrorCode = keyof typeof NegotiationErrors;
