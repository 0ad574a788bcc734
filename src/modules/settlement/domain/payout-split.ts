import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import {
  CURRENCY_SCALE,
  type Currency,
  Dec,
  type DecimalInput,
  dec,
  isCurrency,
  roundMoney,
  sum,
  toDecimalString,
} from '../../../shared/money';
import { dealAmount } from './payment-rules';
import { SettlementErrors } from './settlement.errors';
import {
  isList,
  multiplyExactly,
  readDecimal,
  readGrade,
  readId,
  readMoney,
  readRate,
} from './settlement-validation';

/*
 * How a pool is settled, step by step. Every amount below is exact except where a step says
 * "rounded"; every rounding is half-even to the currency's minor unit (CLP 1, USD 0.01).
 *
 * 1. Each deal's amount is price × Σ accepted quantity, rounded once (payment-rules'
 *    `dealAmount`, the same figure the buyer is asked to pay). The gross is the sum of the deal
 *    amounts. Rounding the pool's exact total instead could create or lose a peso that no buyer
 *    owes: two deals of 100.5 each are owed as 100 + 100 = 200, not round(201) = 201.
 * 2. Deductions, in the fixed order freight, packaging, commission, other (several of a type
 *    keep the order they were given in). A deduction has an amount or a rate, never both. Every
 *    rate is a fraction of the gross, not of what is left after earlier deductions, so the
 *    order changes no amount, only the columns of the statement; each rate-based deduction is
 *    rounded on its own. When the request has no commission line, the association's
 *    commission rate (if set and not zero) is added as a commission on the gross; a request
 *    that gives its own commission, even at rate "0", replaces the association's rate.
 * 3. Σ deductions above the gross is refused (DEDUCTIONS_EXCEED_GROSS); equal is allowed and
 *    leaves a net of zero. net = gross − Σ deductions, exact since all parts are whole units.
 * 4. Each producer's weight is Σ over its lines of accepted quantity × grade factor (factor 1
 *    for a grade the map does not name). The net is split in proportion to the weights by the
 *    largest-remainder (Hamilton) method in whole minor units: everyone gets the floor of the
 *    exact share, and the units left over go one each to the largest remainders; ties go to the
 *    larger weight, then to the smaller producerId (code-unit order). So Σ payouts = net, each
 *    payout is within one minor unit of the exact share, a larger weight never gets less, and
 *    the result does not depend on the order of the input.
 * 5. Each deduction is split the same way, on its own, so each deduction column adds up to the
 *    deduction. A producer's gross share is then its payout plus its deduction shares, so every
 *    statement row adds up as well (gross share − deductions = payout) and the gross column
 *    adds up to the gross.
 *
 * The gross share is the derived column, not a split of its own, because both cannot hold:
 * with weights 8, 16, 16, 20, 20, a gross of 10 and one deduction of 8, the Hamilton payouts
 * of the net of 2 are 0, 0, 0, 1, 1, and no choice of deduction shares (each within one unit)
 * puts every gross share within one unit of its exact value (1, 2, 2, 2.5, 2.5) while the rows
 * add up. The payout is what is paid, so it keeps the strong guarantee; a gross share may be
 * off its exact value by less than (1 + number of deductions) minor units.
 */

export const DEDUCTION_TYPES = ['freight', 'packaging', 'commission', 'other'] as const;
export type DeductionType = (typeof DEDUCTION_TYPES)[number];

export interface DeductionInput {
  type: DeductionType;
  /** A fixed amount in the lot's currency, in whole minor units. */
  amount?: string | null;
  /** A fraction of the gross: "0.03" is 3 %. */
  rate?: string | null;
}

export interface SettlementLineInput {
  producerId: string;
  quantityAccepted: string;
  /** Absent for ungraded produce, which weighs with factor 1. */
  grade?: string | null;
}

export interface SettlementDealInput {
  dealId: string;
  /** Price per unit agreed in the deal, in the lot's currency. */
  price: string;
  lines: readonly SettlementLineInput[];
}

export interface SettlementInput {
  currency: Currency;
  deals: readonly SettlementDealInput[];
  deductions?: readonly DeductionInput[];
  /** Grade code → factor, e.g. { A: "1", B: "0.85" }. */
  gradeFactors?: Readonly<Record<string, string>> | null;
  /** The association's commission rate, used when the request gives no commission. */
  defaultCommissionRate?: string | null;
}

export interface SettlementDeduction {
  type: DeductionType;
  basis: 'amount' | 'rate';
  rate: string | null;
  amount: string;
  /** `association` when the commission came from the association's rate. */
  source: 'request' | 'association';
}

export interface SettlementDealFigures {
  dealId: string;
  price: string;
  quantityAccepted: string;
  amount: string;
}

export interface PayoutGradeQuantity {
  grade: string | null;
  factor: string;
  quantityAccepted: string;
}

export interface ProducerPayout {
  producerId: string;
  /** Σ accepted quantity over every deal of the settlement. */
  quantity: string;
  /** Σ accepted quantity × grade factor: the producer's claim on the pool. */
  weight: string;
  grades: PayoutGradeQuantity[];
  grossShare: string;
  /** One per settlement deduction, in the same order. */
  deductionShares: string[];
  totalDeductions: string;
  /** What the producer is paid: grossShare − totalDeductions. */
  amount: string;
}

export interface SettlementFigures {
  currency: Currency;
  gross: string;
  deductions: SettlementDeduction[];
  totalDeductions: string;
  net: string;
  deals: SettlementDealFigures[];
  /** One per producer named in any line, ordered by producerId. */
  payouts: ProducerPayout[];
}

export interface WeightedPart {
  key: string;
  weight: DecimalInput;
}

/**
 * Splits a whole amount among parts in proportion to their weights by the largest-remainder
 * method (see step 4 above). Returns one amount per part, in the order given.
 *
 * The remainders are compared exactly: each part's exact share in minor units is
 * (units × weight) / Σ weights, and the remainders of that division share one denominator,
 * so comparing them never depends on how a quotient was rounded.
 */
export function allocateLargestRemainder(
  total: DecimalInput,
  parts: readonly WeightedPart[],
  currency: Currency,
): Dec[] {
  const toUnits = new Dec(10).pow(CURRENCY_SCALE[currency]);
  const amount = dec(total);
  const issues: FieldIssue[] = [];
  if (amount.isNegative() || !amount.times(toUnits).isInteger()) {
    issues.push({
      field: 'total',
      code: 'NOT_WHOLE_MINOR_UNITS',
      message: `must be zero or more, in whole ${currency} minor units`,
    });
  }
  const weights = parts.map((part) => dec(part.weight));
  const keys = new Set<string>();
  parts.forEach((part, index) => {
    if (weights[index].isNegative()) {
      issues.push({
        field: `parts.${index}.weight`,
        code: 'MUST_NOT_BE_NEGATIVE',
        message: 'must be zero or more',
      });
    }
    if (keys.has(part.key)) {
      issues.push({
        field: `parts.${index}.key`,
        code: 'DUPLICATE',
        message: 'keys must be unique',
      });
    }
    keys.add(part.key);
  });
  if (issues.length > 0) throw validationFailed(issues);

  const units = amount.times(toUnits);
  const totalWeight = sum(weights);
  if (totalWeight.isZero()) {
    if (units.isZero()) return parts.map(() => new Dec(0));
    throw new DomainError(
      SettlementErrors.NOTHING_TO_SPLIT,
      `cannot split ${toDecimalString(amount, CURRENCY_SCALE[currency])} ${currency}: no part has any weight`,
      { total: toDecimalString(amount, CURRENCY_SCALE[currency]) },
    );
  }

  const rows = parts.map((part, index) => {
    const numerator = multiplyExactly(units, weights[index]);
    const whole = numerator.dividedToIntegerBy(totalWeight);
    const remainder = numerator.minus(multiplyExactly(whole, totalWeight));
    return { key: part.key, weight: weights[index], whole, remainder };
  });
  const leftover = units.minus(sum(rows.map((row) => row.whole)));
  const ranked = rows
    .filter((row) => !row.remainder.isZero())
    .sort(
      (a, b) =>
        b.remainder.comparedTo(a.remainder) ||
        b.weight.comparedTo(a.weight) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  // Σ remainders = leftover × Σ weights with every remainder below Σ weights, so this holds
  // whenever the arithmetic was exact; it guards multiplyExactly's promise.
  if (leftover.isNegative() || leftover.greaterThan(ranked.length)) {
    throw new Error(
      `largest remainder: ${toDecimalString(leftover)} units left for ${ranked.length} parts`,
    );
  }
  const extra = new Set(ranked.slice(0, leftover.toNumber()));
  return rows.map((row) => (extra.has(row) ? row.whole.plus(1) : row.whole).dividedBy(toUnits));
}

type ParsedDeduction = { type: DeductionType; source: 'request' | 'association' } & (
  { basis: 'amount'; amount: Dec; rate: null } | { basis: 'rate'; amount: null; rate: Dec }
);

interface ProducerTally {
  producerId: string;
  quantity: Dec;
  weight: Dec;
  grades: Map<string | null, { factor: Dec; quantity: Dec }>;
}

/**
 * Settles a pool (steps 1 to 5 above). Plain values in, plain values out: every figure is a
 * decimal string, money padded to the currency's minor unit ("1250", "12.50").
 */
export function computeSettlement(input: SettlementInput): SettlementFigures {
  const parsed = parseSettlementInput(input);
  const { currency, deals, factors } = parsed;
  const scale = CURRENCY_SCALE[currency];
  const money = (value: Dec): string => toDecimalString(value, scale);

  const dealFigures = deals.map((deal) => {
    const quantity = sum(deal.lines.map((line) => line.quantity));
    return { ...deal, quantity, amount: dealAmount(deal.price, quantity, currency) };
  });
  const gross = sum(dealFigures.map((deal) => deal.amount));

  const deductions = orderDeductions(parsed.deductions, parsed.defaultCommissionRate).map(
    (deduction) => ({
      ...deduction,
      value:
        deduction.basis === 'amount'
          ? deduction.amount
          : roundMoney(multiplyExactly(deduction.rate, gross), currency),
    }),
  );
  const totalDeductions = sum(deductions.map((deduction) => deduction.value));
  if (totalDeductions.greaterThan(gross)) {
    throw new DomainError(
      SettlementErrors.DEDUCTIONS_EXCEED_GROSS,
      `deductions of ${money(totalDeductions)} exceed the gross of ${money(gross)} ${currency}`,
      {
        gross: money(gross),
        totalDeductions: money(totalDeductions),
        deductions: deductions.map((deduction) => ({
          type: deduction.type,
          amount: money(deduction.value),
        })),
      },
    );
  }
  const net = gross.minus(totalDeductions);

  const producers = tallyProducers(dealFigures, factors);
  const parts = producers.map((producer) => ({
    key: producer.producerId,
    weight: producer.weight,
  }));
  const payouts = allocateLargestRemainder(net, parts, currency);
  const deductionShares = deductions.map((deduction) =>
    allocateLargestRemainder(deduction.value, parts, currency),
  );

  return {
    currency,
    gross: money(gross),
    deductions: deductions.map((deduction) => ({
      type: deduction.type,
      basis: deduction.basis,
      rate: deduction.rate === null ? null : toDecimalString(deduction.rate),
      amount: money(deduction.value),
      source: deduction.source,
    })),
    totalDeductions: money(totalDeductions),
    net: money(net),
    deals: dealFigures.map((deal) => ({
      dealId: deal.dealId,
      price: toDecimalString(deal.price),
      quantityAccepted: toDecimalString(deal.quantity),
      amount: money(deal.amount),
    })),
    payouts: producers.map((producer, index) => {
      const shares = deductionShares.map((column) => column[index]);
      const producerDeductions = sum(shares);
      return {
        producerId: producer.producerId,
        quantity: toDecimalString(producer.quantity),
        weight: toDecimalString(producer.weight),
        grades: [...producer.grades.entries()]
          .sort(([a], [b]) => compareGrades(a, b))
          .map(([grade, tally]) => ({
            grade,
            factor: toDecimalString(tally.factor),
            quantityAccepted: toDecimalString(tally.quantity),
          })),
        grossShare: money(payouts[index].plus(producerDeductions)),
        deductionShares: shares.map(money),
        totalDeductions: money(producerDeductions),
        amount: money(payouts[index]),
      };
    }),
  };
}

function orderDeductions(
  given: readonly ParsedDeduction[],
  defaultCommissionRate: Dec | null,
): ParsedDeduction[] {
  const all = [...given];
  const hasCommission = given.some((deduction) => deduction.type === 'commission');
  if (!hasCommission && defaultCommissionRate && !defaultCommissionRate.isZero()) {
    all.push({
      type: 'commission',
      source: 'association',
      basis: 'rate',
      amount: null,
      rate: defaultCommissionRate,
    });
  }
  // Array.prototype.sort is stable, so deductions of one type keep the order they came in.
  return all.sort((a, b) => DEDUCTION_TYPES.indexOf(a.type) - DEDUCTION_TYPES.indexOf(b.type));
}

function tallyProducers(
  deals: readonly { lines: readonly ParsedLine[] }[],
  factors: ReadonlyMap<string, Dec>,
): ProducerTally[] {
  const byProducer = new Map<string, ProducerTally>();
  for (const deal of deals) {
    for (const line of deal.lines) {
      const factor = (line.grade !== null ? factors.get(line.grade) : undefined) ?? new Dec(1);
      let tally = byProducer.get(line.producerId);
      if (!tally) {
        tally = {
          producerId: line.producerId,
          quantity: new Dec(0),
          weight: new Dec(0),
          grades: new Map(),
        };
        byProducer.set(line.producerId, tally);
      }
      tally.quantity = tally.quantity.plus(line.quantity);
      tally.weight = tally.weight.plus(multiplyExactly(line.quantity, factor));
      const grade = tally.grades.get(line.grade);
      tally.grades.set(line.grade, {
        factor,
        quantity: (grade?.quantity ?? new Dec(0)).plus(line.quantity),
      });
    }
  }
  return [...byProducer.values()].sort((a, b) =>
    a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0,
  );
}

function compareGrades(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

interface ParsedLine {
  producerId: string;
  quantity: Dec;
  grade: string | null;
}

interface ParsedSettlementInput {
  currency: Currency;
  deals: { dealId: string; price: Dec; lines: ParsedLine[] }[];
  deductions: ParsedDeduction[];
  factors: Map<string, Dec>;
  defaultCommissionRate: Dec | null;
}

function parseSettlementInput(input: SettlementInput): ParsedSettlementInput {
  const issues: FieldIssue[] = [];
  const currency = input.currency as unknown;
  if (!isCurrency(currency)) {
    throw validationFailed([
      { field: 'currency', code: 'UNKNOWN_CURRENCY', message: 'must be one of CLP, USD' },
    ]);
  }
  if (!isList(input.deals) || input.deals.length === 0) {
    throw new DomainError(
      SettlementErrors.NO_DEALS_TO_SETTLE,
      'a settlement needs at least one deal',
    );
  }

  const dealIds = new Set<string>();
  const deals = input.deals.map((deal, index) => {
    const at = `deals.${index}`;
    const dealId = readId(deal.dealId, `${at}.dealId`, issues) ?? '';
    if (dealIds.has(dealId)) {
      issues.push({
        field: `${at}.dealId`,
        code: 'DUPLICATE',
        message: 'a deal may be settled once',
      });
    }
    dealIds.add(dealId);
    const price = readDecimal(deal.price, `${at}.price`, issues, 'positive') ?? new Dec(0);
    const lineInputs: readonly SettlementLineInput[] = isList(deal.lines) ? deal.lines : [];
    const lines = lineInputs.map((line, lineIndex) => {
      const lineAt = `${at}.lines.${lineIndex}`;
      return {
        producerId: readId(line.producerId, `${lineAt}.producerId`, issues) ?? '',
        quantity:
          readDecimal(line.quantityAccepted, `${lineAt}.quantityAccepted`, issues, 'nonNegative') ??
          new Dec(0),
        grade: readGrade(line.grade, `${lineAt}.grade`, issues),
      };
    });
    if (!isList(deal.lines)) {
      issues.push({ field: `${at}.lines`, code: 'NOT_LIST', message: 'must be a list of lines' });
    }
    return { dealId, price, lines };
  });

  const deductions: ParsedDeduction[] = [];
  (input.deductions ?? []).forEach((deduction, index) => {
    const at = `deductions.${index}`;
    if (!DEDUCTION_TYPES.includes(deduction.type)) {
      issues.push({
        field: `${at}.type`,
        code: 'UNKNOWN_DEDUCTION_TYPE',
        message: `must be one of ${DEDUCTION_TYPES.join(', ')}`,
      });
    }
    const hasAmount = deduction.amount !== undefined && deduction.amount !== null;
    const hasRate = deduction.rate !== undefined && deduction.rate !== null;
    if (hasAmount === hasRate) {
      issues.push({
        field: at,
        code: 'AMOUNT_XOR_RATE',
        message: 'give either an amount or a rate, not both and not neither',
      });
      return;
    }
    const { type } = deduction;
    if (hasAmount) {
      const amount = readMoney(deduction.amount, `${at}.amount`, issues, currency, 'nonNegative');
      if (amount) deductions.push({ type, source: 'request', basis: 'amount', amount, rate: null });
    } else {
      const rate = readRate(deduction.rate, `${at}.rate`, issues);
      if (rate) deductions.push({ type, source: 'request', basis: 'rate', amount: null, rate });
    }
  });

  const hasDefault =
    input.defaultCommissionRate !== undefined && input.defaultCommissionRate !== null;
  const defaultCommissionRate = hasDefault
    ? readRate(input.defaultCommissionRate, 'defaultCommissionRate', issues)
    : null;

  if (issues.length > 0) throw validationFailed(issues);

  return {
    currency,
    deals,
    deductions,
    factors: parseGradeFactors(input.gradeFactors),
    defaultCommissionRate,
  };
}

function parseGradeFactors(gradeFactors: SettlementInput['gradeFactors']): Map<string, Dec> {
  const factors = new Map<string, Dec>();
  const issues: FieldIssue[] = [];
  const invalid: { grade: string; factor: unknown }[] = [];
  for (const [grade, factor] of Object.entries(gradeFactors ?? {})) {
    const before = issues.length;
    const parsed = readDecimal(factor, `gradeFactors.${grade}`, issues, 'positive');
    if (parsed) factors.set(grade, parsed);
    if (issues.length > before) invalid.push({ grade, factor });
  }
  if (invalid.length > 0) {
    throw new DomainError(
      SettlementErrors.INVALID_GRADE_FACTOR,
      issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '),
      { grades: invalid },
      issues,
    );
  }
  return factors;
}
