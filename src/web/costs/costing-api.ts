import type { SheetLine } from './cost-line-form';

/** The costing answers the console reads (API.md, "Costing"), figures as decimal strings. */
export interface CostSheetItem {
  id: string;
  organizationId: string;
  producerId: string | null;
  productId: string;
  name: string | null;
  season: string;
  currency: string;
  areaHa: string;
  yields: { low: string; expected: string; high: string };
  version: number;
  status: 'draft' | 'ready';
  updatedAt: string;
}

export interface CostSheet extends CostSheetItem {
  lines: SheetLine[];
  missing: { field: string; code: string; message: string }[];
  categoryLabels: Record<string, { es: string; en: string }>;
}

export interface CostSummary {
  currency: string;
  lines: { index: number; kind: string; category: string; value: string; base?: string }[];
  totalsByCategory: Record<string, string>;
  cashCost: string;
  economicCost: string;
  costPerUnit: { low: string; expected: string; high: string };
  breakEvenPrice: string;
  price?: string;
  breakEvenYield?: string;
  marginAtPrice?: string;
  categoryLabels: Record<string, { es: string; en: string }>;
}

export interface Sensitivity {
  currency: string;
  economicCost: string;
  prices: string[];
  yields: string[];
  /** margins[i][j]: at prices[i] and yields[j]. */
  margins: string[][];
}

export interface CostTemplate {
  productId: string;
  productCode: string;
}
