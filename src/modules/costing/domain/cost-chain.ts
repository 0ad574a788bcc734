import { DomainError, type FieldIssue } from '../../../shared/errors/domain-error';
import type { Dec } from '../../../shared/money';
import type { CostSheet } from './cost-sheet';
import { type CostSummary, summarizeCostSheet } from './cost-calculator';
import { CostingErrors } from './costing.errors';

/** A sheet with the id its lines are referred to by. */
export interface ChainSheet {
  id: string;
  sheet: CostSheet;
}

/** One line of `sheetId` that takes its unit price from `sourceSheetId`. */
export interface SourceLink {
  sheetId: string;
  lineIndex: number;
  /** Relative to `sheetId`: `lines.3.sourceSheetId`. */
  field: string;
  sourceSheetId: string;
}

export interface CostChain {
  /** Every sheet id, each after all the sheets it takes prices from. */
  order: string[];
  /**
   * Each sheet's expected economic cost per unit, exact: what a line sourcing it pays per
   * unit. Pass it as `resolvedUnitPrices` to summarise any sheet of the chain with a price.
   */
  unitPrices: Map<string, Dec>;
  summaries: Map<string, CostSummary>;
}

export function sourceLinksOf(id: string, sheet: CostSheet): SourceLink[] {
  const links: SourceLink[] = [];
  sheet.lines.forEach((line, lineIndex) => {
    if (line.kind !== 'sourced') return;
    links.push({
      sheetId: id,
      lineIndex,
      field: `lines.${lineIndex}.sourceSheetId`,
      sourceSheetId: line.sourceSheetId,
    });
  });
  return links;
}

function indexById(sheets: readonly ChainSheet[]): Map<string, ChainSheet> {
  const byId = new Map<string, ChainSheet>();
  for (const entry of sheets) {
    if (byId.has(entry.id)) {
      // The caller loads sheets from the database by primary key: a repeat is a bug there.
      throw new Error(`cost chain given sheet ${entry.id} twice`);
    }
    byId.set(entry.id, entry);
  }
  return byId;
}

/**
 * Field issues are relative to each link's own sheet (listed with it in `details.links`);
 * in practice the faulty link is in the sheet being saved, and the service names it.
 */
function linkIssues(links: readonly SourceLink[], code: string, message: string): FieldIssue[] {
  return links.map((link) => ({ field: link.field, code, message }));
}

/**
 * A cycle of price references, as the links that form it in order (the first link's sheet
 * is also the last link's source), or undefined. Depth-first with an explicit stack, so a
 * long chain cannot overflow the call stack; visits sheets and lines in the given order so
 * that the same sheets always report the same cycle.
 */
export function findCostSheetCycle(sheets: readonly ChainSheet[]): SourceLink[] | undefined {
  const byId = indexById(sheets);
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of sheets) {
    if (state.has(root.id)) continue;
    const path: { id: string; links: SourceLink[]; next: number; via?: SourceLink }[] = [
      { id: root.id, links: sourceLinksOf(root.id, root.sheet), next: 0 },
    ];
    state.set(root.id, 'visiting');
    while (path.length > 0) {
      const frame = path[path.length - 1];
      if (frame.next >= frame.links.length) {
        state.set(frame.id, 'done');
        path.pop();
        continue;
      }
      const link = frame.links[frame.next++];
      const target = byId.get(link.sourceSheetId);
      if (!target) continue;
      const seen = state.get(target.id);
      if (seen === 'visiting') {
        const start = path.findIndex((entry) => entry.id === target.id);
        return [...path.slice(start + 1).map((entry) => entry.via as SourceLink), link];
      }
      if (seen === 'done') continue;
      state.set(target.id, 'visiting');
      path.push({
        id: target.id,
        links: sourceLinksOf(target.id, target.sheet),
        next: 0,
        via: link,
      });
    }
  }
  return undefined;
}

/**
 * Checks a set of sheets whose lines take prices from each other and computes them in
 * dependency order. `sheets` must hold every sheet reachable through `sourceSheetId` (the
 * service loads the closure); the result's unit price of a sheet is its expected economic
 * cost per unit, kept exact so that a cheese summary rounds once, at the end.
 *
 * Refuses, in this order: a link to a sheet not given (COST_SHEET_SOURCE_NOT_FOUND), a
 * cycle (COST_SHEET_CYCLE, which no order of computation could resolve), and a link between
 * sheets of different currencies (CURRENCY_MISMATCH: a peso cost per litre cannot be priced
 * into a dollar sheet without an exchange rate the association has not chosen).
 */
export function resolveCostChain(sheets: readonly ChainSheet[]): CostChain {
  const byId = indexById(sheets);
  const links = sheets.flatMap((entry) => sourceLinksOf(entry.id, entry.sheet));

  const missing = links.filter((link) => !byId.has(link.sourceSheetId));
  if (missing.length > 0) {
    throw new DomainError(
      CostingErrors.COST_SHEET_SOURCE_NOT_FOUND,
      missing
        .map((link) => `sheet ${link.sheetId} ${link.field}: no sheet ${link.sourceSheetId}`)
        .join('; '),
      { links: missing },
      linkIssues(missing, 'NOT_FOUND', 'names a cost sheet that does not exist'),
    );
  }

  const cycle = findCostSheetCycle(sheets);
  if (cycle) {
    const ids = [...cycle.map((link) => link.sheetId), cycle[0].sheetId];
    throw new DomainError(
      CostingErrors.COST_SHEET_CYCLE,
      `cost sheets take their prices from each other in a cycle: ${ids.join(' → ')}`,
      { cycle: ids, links: cycle },
      linkIssues(cycle, 'CYCLE', `closes a cycle of price references: ${ids.join(' → ')}`),
    );
  }

  const mismatched = links.filter((link) => {
    const source = byId.get(link.sourceSheetId) as ChainSheet;
    return source.sheet.currency !== (byId.get(link.sheetId) as ChainSheet).sheet.currency;
  });
  if (mismatched.length > 0) {
    const detail = mismatched.map((link) => ({
      ...link,
      currency: (byId.get(link.sheetId) as ChainSheet).sheet.currency,
      sourceCurrency: (byId.get(link.sourceSheetId) as ChainSheet).sheet.currency,
    }));
    throw new DomainError(
      CostingErrors.CURRENCY_MISMATCH,
      detail
        .map(
          (link) =>
            `sheet ${link.sheetId} (${link.currency}) ${link.field}: sheet ${link.sourceSheetId} is in ${link.sourceCurrency}`,
        )
        .join('; '),
      { links: detail },
      detail.map((link) => ({
        field: link.field,
        code: 'CURRENCY_MISMATCH',
        message: `the source sheet is in ${link.sourceCurrency}, this sheet in ${link.currency}`,
      })),
    );
  }

  const order = dependencyOrder(sheets, byId);
  const unitPrices = new Map<string, Dec>();
  const summaries = new Map<string, CostSummary>();
  for (const id of order) {
    const summary = summarizeCostSheet((byId.get(id) as ChainSheet).sheet, {
      resolvedUnitPrices: unitPrices,
    });
    summaries.set(id, summary);
    unitPrices.set(id, summary.costPerUnit.expected);
  }
  return { order, unitPrices, summaries };
}

/** Post-order of an acyclic graph: every source before the sheets that use it. */
function dependencyOrder(
  sheets: readonly ChainSheet[],
  byId: ReadonlyMap<string, ChainSheet>,
): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  for (const root of sheets) {
    if (placed.has(root.id)) continue;
    const stack: { id: string; sources: string[]; next: number }[] = [
      { id: root.id, sources: sourceIds(root.sheet), next: 0 },
    ];
    placed.add(root.id);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame.next >= frame.sources.length) {
        order.push(frame.id);
        stack.pop();
        continue;
      }
      const sourceId = frame.sources[frame.next++];
      if (placed.has(sourceId)) continue;
      placed.add(sourceId);
      stack.push({
        id: sourceId,
        sources: sourceIds((byId.get(sourceId) as ChainSheet).sheet),
        next: 0,
      });
    }
  }
  return order;
}

function sourceIds(sheet: CostSheet): string[] {
  return sourceLinksOf('', sheet).map((link) => link.sourceSheetId);
}

/**
 * The sheets whose figures change when `changedId` changes (itself excluded): every sheet
 * that takes a price from it, directly or through others. A milk sheet edit must refresh the
 * cheese sheet and, through it, any lot floor built on cheese.
 */
export function sheetsAffectedBy(sheets: readonly ChainSheet[], changedId: string): string[] {
  const users = new Map<string, string[]>();
  for (const entry of sheets) {
    for (const sourceId of new Set(sourceIds(entry.sheet))) {
      users.set(sourceId, [...(users.get(sourceId) ?? []), entry.id]);
    }
  }
  const affected: string[] = [];
  const seen = new Set<string>([changedId]);
  const queue = [changedId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const user of users.get(id) ?? []) {
      if (seen.has(user)) continue;
      seen.add(user);
      affected.push(user);
      queue.push(user);
    }
  }
  return affected;
}
