import { defineErrorCodes } from '../../../shared/errors/domain-error';

/**
 * Codes of the pooling rules. State refusals are 409 (the same request could succeed
 * against another state of the lot); a quantity the lot cannot serve is 400, as the API
 * contract names it, because the caller fixes it by changing the number it sent.
 */
export const PoolingErrors = defineErrorCodes({
  LOT_NOT_OPEN: {
    status: 409,
    title: { es: 'El lote no está abierto', en: 'The lot is not open' },
  },
  LOT_HAS_DEALS: {
    status: 409,
    title: {
      es: 'El lote ya tiene ventas cerradas',
      en: 'The lot already has deals',
    },
  },
  LOT_HAS_PENDING_APPROVAL: {
    status: 409,
    title: {
      es: 'Hay una aprobación pendiente que reserva parte del lote',
      en: 'A pending approval holds part of the lot',
    },
  },
  LOT_EMPTY: {
    status: 409,
    title: { es: 'El lote no tiene aportes', en: 'The lot has no contributions' },
  },
  INSUFFICIENT_QUANTITY: {
    status: 400,
    title: {
      es: 'Cantidad fuera de lo disponible o bajo el mínimo del lote',
      en: 'Quantity above what is available or below the lot minimum',
    },
  },
});

export type PoolingErrorCode = keyof typeof PoolingErrors;
