import { validationFailed } from '../../../shared/errors/domain-error';
import {
  type Currency,
  type Dec,
  type DecimalInput,
  dec,
  toDecimalString,
} from '../../../shared/money';
import {
  type CostedContribution,
  costBasis,
  producersAboveCost,
} from '../../pooling/domain/lot-quantities';
import { decimalIssue } from './cost-sheet-validation';
import { type RoundingRule, perUnitScale } from './cost-summary-serializer';

/*
 * The weighting itself (Σ quantity × cost / Σ quantity, the floor rounded up, who sells
 * below their own cost) is pooling's rule, in pooling/domain/lot-quantities.ts; this file
 * only decides which cost each contribution brings, and says why when it brings none.
 */

/** A contribution as pooling stores it: quantities in the product's base unit. */
export interface LotContribution {
  producerId: string;
  quantity: DecimalInput;
  costSheetId: string | null;
}

/** What the service found for a sheet a contribution names (absent from the map: not found). */
export interface SheetCost {
  currency: Currency;
  productId: string;
  /** Expected economic cost per unit, exact; null while the sheet has figures to fill. */
  costPerUnit: Dec | null;
}

export type ContributionCostStatus =
  | 'costed'
  | 'no_cost_sheet'
  | 'cost_sheet_not_found'
  | 'cost_sheet_incomplete'
  | 'currency_mismatch'
  | 'product_mismatch';

export interface ContributionCost {
  index: number;
  producerId: string;
  quantity: string;
  costSheetId: string | null;
  status: ContributionCostStatus;
  /** Rounded like every per-unit figure of costing; null unless `status` is `costed`. */
  costPerUnit: string | null;
}

export interface ProducerBelowCost {
  producerId: string;
  costPerUnit: string;
  quantity: string;
  shortfallPerUnit: string;
}

export interface LotCostBasis {
  currency: Currency;
  /** Null when no contribution brings a cost. */
  weightedCostPerUnit: string | null;
  /** The weighted cost rounded up to the minor unit (pooling's rule), from the exact figure. */
  floorPrice: string | null;
  quantityWithCost: string;
  quantityWithoutCost: string;
  contributions: ContributionCost[];
  price?: string;
  /** At `price`: the producers whose own cost it does not cover, largest shortfall first. */
  producersAboveCost?: ProducerBelowCost[];
  rounding: RoundingRule;
}

export interface LotCostBasisOptions {
  /** The lot's currency: a sheet in another one brings no cost (no exchange rate is chosen). */
  currency: Currency;
  /** The lot's product, when known: a cheese sheet says nothing about a lot of carrots. */
  productId?: string;
  price?: string;
}

function costOf(
  contribution: LotContribution,
  sheets: ReadonlyMap<string, SheetCost>,
  options: LotCostBasisOptions,
): { status: ContributionCostStatus; cost: Dec | null } {
  if (contribution.costSheetId === null) return { status: 'no_cost_sheet', cost: null };
  const sheet = sheets.get(contribution.costSheetId);
  if (!sheet) return { status: 'cost_sheet_not_found', cost: null };
  if (sheet.currency !== options.currency) return { status: 'currency_mismatch', cost: null };
  if (options.productId !== undefined && sheet.productId !== options.productId) {
    return { status: 'product_mismatch', cost: null };
  }
  if (sheet.costPerUnit === null) return { status: 'cost_sheet_incomplete', cost: null };
  return { status: 'costed', cost: sheet.costPerUnit };
}

/**
 * The cost basis of a pooled lot from its contributions and the cost of each sheet they
 * name. A contribution whose sheet cannot give a cost in the lot's terms is left out of the
 * weighting, as one without a sheet is, and its status says why, so the association sees
 * which producers still have to cost their harvest.
 */
export function lotCostBasis(
  contributions: readonly LotContribution[],
  sheets: ReadonlyMap<string, SheetCost>,
  options: LotCostBasisOptions,
): LotCostBasis {
  if (options.price !== undefined) {
    const issue = decimalIssue(options.price, 'nonNegative');
    if (issue) throw validationFailed([{ field: 'price', ...issue }]);
  }
  const scale = perUnitScale(options.currency);
  const perUnit = (value: DecimalInput) => toDecimalString(value, scale);

  const costed: CostedContribution[] = [];
  const rows = contributions.map((contribution, index): ContributionCost => {
    const { status, cost } = costOf(contribution, sheets, options);
    costed.push({
      producerId: contribution.producerId,
      quantity: contribution.quantity,
      costPerUnit: cost,
    });
    return {
      index,
      producerId: contribution.producerId,
      quantity: toDecimalString(contribution.quantity),
      costSheetId: contribution.costSheetId,
      status,
      costPerUnit: cost === null ? null : perUnit(cost),
    };
  });

  const basis = costBasis(costed, options.currency);
  const result: LotCostBasis = {
    currency: options.currency,
    weightedCostPerUnit:
      basis.weightedCostPerUnit === null ? null : perUnit(basis.weightedCostPerUnit),
    floorPrice: basis.floorPrice,
    quantityWithCost: basis.quantityWithCost,
    quantityWithoutCost: basis.quantityWithoutCost,
    contributions: rows,
    rounding: { mode: 'half-even', perUnit: scale },
  };
  if (options.price !== undefined) {
    result.price = toDecimalString(dec(options.price));
    result.producersAboveCost = producersAboveCost(costed, options.price).map((row) => ({
      producerId: row.producerId,
      costPerUnit: perUnit(row.costPerUnit),
      quantity: row.quantity,
      shortfallPerUnit: perUnit(row.shortfallPerUnit),
    }));
  }
  return result;
}
