import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import { type Dec, dec, sum, toDecimalString } from '../../../shared/money';
import { SettlementErrors } from './settlement.errors';
import { isList, readDecimal, readGrade, readId } from './settlement-validation';

export interface DeliveryLineInput {
  producerId: string;
  quantityDelivered: string;
  quantityAccepted: string;
  grade?: string | null;
}

export interface DeliveryInput {
  dealId: string;
  dealQuantity: string;
  /** The producers with a contribution to the deal's lot. */
  lotProducerIds: readonly string[];
  lines: readonly DeliveryLineInput[];
}

export interface CheckedDeliveryLine {
  producerId: string;
  quantityDelivered: string;
  quantityAccepted: string;
  grade: string | null;
}

export interface CheckedDelivery {
  dealId: string;
  lines: CheckedDeliveryLine[];
  totalDelivered: string;
  totalAccepted: string;
}

interface ParsedLine {
  producerId: string;
  delivered: Dec;
  accepted: Dec;
  grade: string | null;
}

/**
 * Checks a deal's delivery before it is recorded. Each refusal names every offending
 * producer, so the manager corrects the whole delivery sheet in one round.
 *
 * One line per producer: the line is the producer's row on the delivery sheet the buyer signs,
 * and two rows for one producer are far more often a typing slip than a deliberate split.
 * Delivered quantities are not capped by the deal (a truck may carry more than was sold);
 * only what the buyer accepts is, since that is what the buyer pays for.
 */
export function checkDelivery(input: DeliveryInput): CheckedDelivery {
  const lines = parseLines(input.lines);

  const seen = new Set<string>();
  const duplicated = new Set<string>();
  for (const line of lines) {
    if (seen.has(line.producerId)) duplicated.add(line.producerId);
    seen.add(line.producerId);
  }
  if (duplicated.size > 0) {
    throw new DomainError(
      SettlementErrors.DUPLICATE_PRODUCER_LINE,
      `producers with more than one line: ${[...duplicated].join(', ')}`,
      { producerIds: [...duplicated] },
    );
  }

  const overAccepted = lines.filter((line) => line.accepted.greaterThan(line.delivered));
  if (overAccepted.length > 0) {
    throw new DomainError(
      SettlementErrors.ACCEPTED_EXCEEDS_DELIVERED,
      `accepted more than delivered for: ${overAccepted.map((l) => l.producerId).join(', ')}`,
      {
        lines: overAccepted.map((line) => ({
          producerId: line.producerId,
          quantityDelivered: toDecimalString(line.delivered),
          quantityAccepted: toDecimalString(line.accepted),
        })),
      },
    );
  }

  const members = new Set(input.lotProducerIds);
  const outsiders = lines.filter((line) => !members.has(line.producerId));
  if (outsiders.length > 0) {
    throw new DomainError(
      SettlementErrors.PRODUCER_NOT_IN_LOT,
      `producers without a contribution to the lot: ${outsiders.map((l) => l.producerId).join(', ')}`,
      { producerIds: outsiders.map((line) => line.producerId) },
    );
  }

  const totalAccepted = sum(lines.map((line) => line.accepted));
  const dealQuantity = dec(input.dealQuantity);
  if (totalAccepted.greaterThan(dealQuantity)) {
    throw new DomainError(
      SettlementErrors.DELIVERY_EXCEEDS_DEAL,
      `accepted ${toDecimalString(totalAccepted)} exceeds the deal's ${toDecimalString(dealQuantity)}`,
      {
        dealId: input.dealId,
        dealQuantity: toDecimalString(dealQuantity),
        totalAccepted: toDecimalString(totalAccepted),
      },
    );
  }

  return {
    dealId: input.dealId,
    lines: lines.map((line) => ({
      producerId: line.producerId,
      quantityDelivered: toDecimalString(line.delivered),
      quantityAccepted: toDecimalString(line.accepted),
      grade: line.grade,
    })),
    totalDelivered: toDecimalString(sum(lines.map((line) => line.delivered))),
    totalAccepted: toDecimalString(totalAccepted),
  };
}

function parseLines(lines: readonly DeliveryLineInput[]): ParsedLine[] {
  const issues: FieldIssue[] = [];
  if (!isList(lines) || lines.length === 0) {
    throw validationFailed([
      { field: 'lines', code: 'EMPTY', message: 'a delivery needs at least one line' },
    ]);
  }
  const parsed: ParsedLine[] = [];
  lines.forEach((line, index) => {
    const at = `lines.${index}`;
    const producerId = readId(line.producerId, `${at}.producerId`, issues);
    const delivered = readDecimal(
      line.quantityDelivered,
      `${at}.quantityDelivered`,
      issues,
      'nonNegative',
    );
    const accepted = readDecimal(
      line.quantityAccepted,
      `${at}.quantityAccepted`,
      issues,
      'nonNegative',
    );
    const grade = readGrade(line.grade, `${at}.grade`, issues);
    if (producerId && delivered && accepted) {
      parsed.push({ producerId, delivered, accepted, grade });
    }
  });
  if (issues.length > 0) throw validationFailed(issues);
  return parsed;
}
