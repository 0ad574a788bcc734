import { defineErrorCodes } from '../../../shared/errors/domain-error';

/**
 * Codes of the settlement rules. Malformed fields (not a decimal, negative, too many decimals)
 * are the common VALIDATION_FAILED, naming each field.
 *
 * - 400: the request contradicts itself (accepted more than delivered, a producer twice) or
 *   carries a figure the rules cannot take (a grade factor ≤ 0); the request alone shows it.
 * - 422: every field is valid on its own, but the request cannot be applied to the figures the
 *   server holds: deductions above the pool's gross, accepted quantities above the deal, a
 *   payment above what is outstanding. DEDUCTIONS_EXCEED_GROSS is 422 rather than 400 because
 *   the gross is not in the request (it comes from the recorded deliveries), so no field of the
 *   request is wrong by itself; it is not 409 because no later state of the lot makes the same
 *   deductions acceptable: the treasurer must change them.
 * - 409: the request is refused because of where the lot or settlement is in its life, and the
 *   same request would be fine in another state (deals not yet delivered; settlement confirmed).
 */
export const SettlementErrors = defineErrorCodes({
  DEDUCTIONS_EXCEED_GROSS: {
    status: 422,
    title: {
      es: 'Los descuentos superan el monto bruto del lote',
      en: 'Deductions exceed the gross of the lot',
    },
  },
  INVALID_GRADE_FACTOR: {
    status: 400,
    title: {
      es: 'El factor de calidad debe ser un decimal mayor que cero',
      en: 'A grade factor must be a decimal greater than zero',
    },
  },
  DELIVERY_EXCEEDS_DEAL: {
    status: 422,
    title: {
      es: 'La cantidad aceptada supera la cantidad de la venta',
      en: 'The accepted quantity exceeds the quantity of the deal',
    },
  },
  ACCEPTED_EXCEEDS_DELIVERED: {
    status: 400,
    title: {
      es: 'La cantidad aceptada supera la entregada',
      en: 'The accepted quantity exceeds the delivered quantity',
    },
  },
  DUPLICATE_PRODUCER_LINE: {
    status: 400,
    title: {
      es: 'Un productor aparece más de una vez en la entrega',
      en: 'A producer appears more than once in the delivery',
    },
  },
  PRODUCER_NOT_IN_LOT: {
    status: 422,
    title: {
      es: 'El productor no aportó a este lote',
      en: 'The producer did not contribute to this lot',
    },
  },
  OVERPAYMENT: {
    status: 422,
    title: {
      es: 'El pago supera el saldo pendiente de la venta',
      en: 'The payment exceeds the outstanding amount of the deal',
    },
  },
  NOTHING_TO_SPLIT: {
    status: 422,
    title: {
      es: 'No hay cantidades aceptadas entre las cuales repartir el monto',
      en: 'There is no accepted quantity to split the amount among',
    },
  },
  FIGURE_TOO_LARGE: {
    status: 400,
    title: {
      es: 'Las cifras son demasiado grandes para calcularse con exactitud',
      en: 'The figures are too large to compute exactly',
    },
  },
  NO_DEALS_TO_SETTLE: {
    status: 409,
    title: {
      es: 'El lote no tiene ventas que liquidar',
      en: 'The lot has no deals to settle',
    },
  },
  DEALS_NOT_DELIVERED: {
    status: 409,
    title: {
      es: 'Hay ventas del lote sin entrega registrada',
      en: 'Some deals of the lot have no recorded delivery',
    },
  },
  SETTLEMENT_CONFIRMED: {
    status: 409,
    title: {
      es: 'La liquidación está confirmada y no puede cambiar',
      en: 'The settlement is confirmed and cannot change',
    },
  },
  DEAL_ALREADY_DELIVERED: {
    status: 409,
    title: {
      es: 'La entrega de esta venta ya está registrada',
      en: 'The delivery of this deal is already recorded',
    },
  },
  DELIVERY_ALREADY_CONFIRMED: {
    status: 409,
    title: {
      es: 'El comprador ya confirmó esta entrega',
      en: 'The buyer has already confirmed this delivery',
    },
  },
  // 422, not 409: the lot is fine; the treasurer's corrected figures equal the confirmed ones.
  ADJUSTMENT_CHANGES_NOTHING: {
    status: 422,
    title: {
      es: 'El ajuste no cambia ninguna cifra de la liquidación confirmada',
      en: 'The adjustment changes no figure of the confirmed settlement',
    },
  },
  SETTLEMENT_NOT_CONFIRMED: {
    status: 409,
    title: {
      es: 'La liquidación aún es un borrador',
      en: 'The settlement is still a draft',
    },
  },
  STATEMENT_BUNDLE_NOT_READY: {
    status: 409,
    title: {
      es: 'Las liquidaciones en PDF aún no están listas',
      en: 'The PDF statements are not ready yet',
    },
  },
  // Only reachable when stored figures were corrupted: our own invariant, so a server error.
  SETTLEMENT_NOT_RECONCILED: {
    status: 500,
    title: {
      es: 'Las cifras de la liquidación no cuadran',
      en: 'The settlement figures do not reconcile',
    },
  },
});

export type SettlementErrorCode = keyof typeof SettlementErrors;
