import { defineErrorCodes } from '../../../shared/errors/domain-error';

/**
 * Codes of the costing rules. Field-level problems of one sheet use the common
 * VALIDATION_FAILED; these are the refusals that involve more than one field or sheet.
 *
 * COST_SHEET_CYCLE is 400, not 422: the cycle exists only because of a `sourceSheetId` the
 * client just sent, the fix is to change that field, and the API already answers every other
 * "fix your payload" case (salvage above asset value, currency mismatch between chained
 * sheets) with 400. One status for all payload faults keeps clients to one branch.
 *
 * COST_SHEET_SOURCE_NOT_FOUND is 400 too: the sheet named in the payload is not among the
 * association's sheets (another association's sheet looks exactly the same, so nothing leaks).
 *
 * COST_SHEET_INCOMPLETE is 409: a sheet started from a template has lines whose figures
 * nobody has filled yet, and its figures cannot be computed until they are (the template
 * invents none). The request is fine; the sheet is not ready, as with any state conflict.
 *
 * COST_SHEET_SOURCE_UNRESOLVED is 422: the payload is fine, but the summary was asked for
 * without the source sheet's cost (a caller that skipped the cost chain). The request cannot
 * be processed in the state it met, and there is nothing in the body to correct.
 */
export const CostingErrors = defineErrorCodes({
  SENSITIVITY_GRID_TOO_LARGE: {
    status: 400,
    title: {
      es: 'La grilla de sensibilidad tiene demasiados precios o rendimientos',
      en: 'The sensitivity grid has too many prices or yields',
    },
  },
  COST_SHEET_CYCLE: {
    status: 400,
    title: {
      es: 'Las fichas de costo se toman el precio unas de otras en un ciclo',
      en: 'The cost sheets take their prices from each other in a cycle',
    },
  },
  CURRENCY_MISMATCH: {
    status: 400,
    title: {
      es: 'La ficha de origen está en otra moneda',
      en: 'The source sheet is in another currency',
    },
  },
  COST_SHEET_SOURCE_NOT_FOUND: {
    status: 400,
    title: {
      es: 'La ficha de origen no existe',
      en: 'The source cost sheet does not exist',
    },
  },
  COST_SHEET_INCOMPLETE: {
    status: 409,
    title: {
      es: 'La ficha de costo tiene cifras por completar',
      en: 'The cost sheet has figures still to fill in',
    },
  },
  COST_SHEET_SOURCE_UNRESOLVED: {
    status: 422,
    title: {
      es: 'Falta el costo de la ficha de origen',
      en: 'The cost of the source sheet is not available',
    },
  },
});

export type CostingErrorCode = keyof typeof CostingErrors;
