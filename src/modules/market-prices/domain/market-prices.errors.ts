import { defineErrorCodes } from '../../../shared/errors/domain-error';

/**
 * Codes of the market-price rules. Bad input in a request body or a file row is the common
 * VALIDATION_FAILED with a field issue (codes in `PriceIssueCodes`), so a client handles a
 * typed price and an imported one the same way.
 */
export const MarketPriceErrors = defineErrorCodes({
  MARKET_PRICE_EXISTS: {
    status: 409,
    title: {
      es: 'Ya hay un precio para ese día, mercado, producto, variedad, calidad, unidad y origen',
      en: 'A price for that date, market, product, variety, quality, unit and origin exists',
    },
  },
  UNITS_NOT_COMPARABLE: {
    status: 400,
    title: {
      es: 'Esas unidades no se pueden comparar (kilos, litros o unidades)',
      en: 'Those units cannot be compared (kilograms, litres or units)',
    },
  },
});

/** Field issue codes of an observation, whether typed in or read from a file row. */
export const PriceIssueCodes = {
  REQUIRED: 'REQUIRED',
  NOT_DECIMAL: 'NOT_DECIMAL',
  NOT_DATE: 'NOT_DATE',
  MUST_BE_POSITIVE: 'MUST_BE_POSITIVE',
  TOO_MANY_DECIMALS: 'TOO_MANY_DECIMALS',
  OUT_OF_RANGE: 'OUT_OF_RANGE',
  TOO_LONG: 'TOO_LONG',
  DATE_IN_FUTURE: 'DATE_IN_FUTURE',
  PRICE_ORDER: 'PRICE_ORDER',
  UNIT_NOT_PARSED: 'UNIT_NOT_PARSED',
  MARKET_RESERVED: 'MARKET_RESERVED',
  NOT_ALLOWED_VALUE: 'NOT_ALLOWED_VALUE',
  NOT_BOOLEAN: 'NOT_BOOLEAN',
  INVALID_ENCODING: 'INVALID_ENCODING',
  COLUMN_COUNT: 'COLUMN_COUNT',
  UNKNOWN_PRODUCT_CODE: 'UNKNOWN_PRODUCT_CODE',
  UNKNOWN_PRODUCT: 'UNKNOWN_PRODUCT',
  MALFORMED_CSV: 'MALFORMED_CSV',
  MISSING_COLUMN: 'MISSING_COLUMN',
  UNKNOWN_COLUMN: 'UNKNOWN_COLUMN',
  DUPLICATE_COLUMN: 'DUPLICATE_COLUMN',
  UNKNOWN_LAYOUT: 'UNKNOWN_LAYOUT',
  EMPTY_FILE: 'EMPTY_FILE',
} as const;
