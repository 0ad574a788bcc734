import type { CostLineKind, DerivedCategory, PricedCategory } from './cost-sheet';

/*
 * The usual lines of a ficha técnico-económica per product, as a starting point for a
 * treasurer. Deliberately without quantities, prices, rates or lives: those differ between
 * Lasana and Socaire, between one season and the next, and an invented figure in a template
 * would end up, unnoticed, in a floor price. The treasurer fills every number.
 *
 * Units: JH = jornada hombre (one person's working day); yunta = a day's work of a yoke of
 * animals; turno = one irrigation turn from the community canal; the rest are what the
 * product is bought in.
 */

interface TemplateLineBase {
  description: string;
}

export interface PricedTemplateLine extends TemplateLineBase {
  kind: 'priced';
  category: PricedCategory;
  unit: string;
  /**
   * The product whose own sheet usually prices this line (goat milk in cheese): the
   * treasurer may point the line at that sheet instead of typing a price.
   */
  sourceProductCode?: string;
}

export interface DerivedTemplateLine extends TemplateLineBase {
  kind: Exclude<CostLineKind, 'priced' | 'sourced'>;
  category: PricedCategory | DerivedCategory;
}

export type TemplateLine = PricedTemplateLine | DerivedTemplateLine;

export interface CostSheetTemplate {
  productCode: string;
  /** Base unit of the product's yields, as in the catalogue (kg, l). */
  yieldUnit: string;
  lines: readonly TemplateLine[];
}

const priced = (
  category: PricedCategory,
  description: string,
  unit: string,
  sourceProductCode?: string,
): PricedTemplateLine => ({
  kind: 'priced',
  category,
  description,
  unit,
  ...(sourceProductCode === undefined ? {} : { sourceProductCode }),
});

/** Lines every sheet carries whatever the product: the costs a family forgets to count. */
const commonEconomicLines: readonly TemplateLine[] = [
  { kind: 'percentage', category: 'other', description: 'Imprevistos' },
  { kind: 'interest', category: 'interest', description: 'Interés sobre capital de operación' },
];

const TEMPLATES: readonly CostSheetTemplate[] = [
  {
    productCode: 'zanahoria',
    yieldUnit: 'kg',
    lines: [
      priced('hired_labor', 'Preparación de suelo', 'JH'),
      priced('hired_labor', 'Siembra', 'JH'),
      priced('hired_labor', 'Riegos', 'JH'),
      priced('hired_labor', 'Desmalezado', 'JH'),
      priced('hired_labor', 'Raleo', 'JH'),
      priced('hired_labor', 'Aplicación de fertilizantes', 'JH'),
      priced('hired_labor', 'Cosecha y ensacado', 'JH'),
      priced('family_labor', 'Mano de obra familiar', 'JH'),
      priced('machinery', 'Aradura', 'yunta'),
      priced('machinery', 'Rastraje', 'yunta'),
      priced('machinery', 'Surcado', 'yunta'),
      priced('inputs', 'Semilla de zanahoria', 'kg'),
      priced('inputs', 'Guano', 'saco'),
      priced('inputs', 'Fertilizante nitrogenado', 'kg'),
      priced('inputs', 'Fertilizante fosfatado', 'kg'),
      priced('water', 'Turnos de riego', 'turno'),
      priced('water', 'Cuota de canal', 'año'),
      priced('packaging', 'Sacos', 'saco'),
      priced('transport', 'Flete a Calama', 'flete'),
      priced('land', 'Uso de la tierra', 'ha'),
      { kind: 'depreciation', category: 'depreciation', description: 'Herramientas' },
      ...commonEconomicLines,
    ],
  },
  {
    productCode: 'habas',
    yieldUnit: 'kg',
    lines: [
      priced('hired_labor', 'Preparación de suelo', 'JH'),
      priced('hired_labor', 'Siembra', 'JH'),
      priced('hired_labor', 'Riegos', 'JH'),
      priced('hired_labor', 'Aporca', 'JH'),
      priced('hired_labor', 'Desmalezado', 'JH'),
      priced('hired_labor', 'Cosecha de vaina verde', 'JH'),
      priced('hired_labor', 'Selección y ensacado', 'JH'),
      priced('family_labor', 'Mano de obra familiar', 'JH'),
      priced('machinery', 'Aradura', 'yunta'),
      priced('machinery', 'Surcado', 'yunta'),
      priced('inputs', 'Semilla de habas', 'kg'),
      priced('inputs', 'Guano', 'saco'),
      priced('inputs', 'Fertilizante fosfatado', 'kg'),
      priced('water', 'Turnos de riego', 'turno'),
      priced('water', 'Cuota de canal', 'año'),
      priced('packaging', 'Sacos', 'saco'),
      priced('transport', 'Flete a Calama', 'flete'),
      priced('land', 'Uso de la tierra', 'ha'),
      { kind: 'depreciation', category: 'depreciation', description: 'Herramientas' },
      ...commonEconomicLines,
    ],
  },
  {
    productCode: 'quinua',
    yieldUnit: 'kg',
    lines: [
      priced('hired_labor', 'Preparación de suelo', 'JH'),
      priced('hired_labor', 'Siembra', 'JH'),
      priced('hired_labor', 'Riegos', 'JH'),
      priced('hired_labor', 'Raleo y desmalezado', 'JH'),
      priced('hired_labor', 'Siega', 'JH'),
      priced('hired_labor', 'Trilla y venteo', 'JH'),
      priced('hired_labor', 'Lavado y secado del grano', 'JH'),
      priced('family_labor', 'Mano de obra familiar', 'JH'),
      priced('machinery', 'Aradura', 'yunta'),
      priced('machinery', 'Trilla mecánica', 'hora'),
      priced('inputs', 'Semilla de quinua', 'kg'),
      priced('inputs', 'Guano', 'saco'),
      priced('water', 'Turnos de riego', 'turno'),
      priced('packaging', 'Sacos', 'saco'),
      priced('transport', 'Flete a Calama', 'flete'),
      priced('land', 'Uso de la tierra', 'ha'),
      { kind: 'depreciation', category: 'depreciation', description: 'Herramientas y lonas' },
      ...commonEconomicLines,
    ],
  },
  {
    productCode: 'leche-cabra',
    yieldUnit: 'l',
    lines: [
      priced('hired_labor', 'Pastoreo', 'JH'),
      priced('hired_labor', 'Ordeña', 'JH'),
      priced('family_labor', 'Mano de obra familiar', 'JH'),
      priced('inputs', 'Alfalfa', 'fardo'),
      priced('inputs', 'Concentrado', 'kg'),
      priced('inputs', 'Sales minerales', 'kg'),
      priced('inputs', 'Vacunas y antiparasitarios', 'dosis'),
      priced('services', 'Atención veterinaria', 'visita'),
      priced('water', 'Agua de bebida', 'turno'),
      priced('transport', 'Flete de leche a la quesería', 'viaje'),
      priced('land', 'Uso de praderas', 'ha'),
      { kind: 'depreciation', category: 'depreciation', description: 'Corrales' },
      { kind: 'depreciation', category: 'depreciation', description: 'Equipo de ordeña' },
      ...commonEconomicLines,
    ],
  },
  {
    productCode: 'queso-cabra',
    yieldUnit: 'kg',
    lines: [
      priced('inputs', 'Leche de cabra', 'l', 'leche-cabra'),
      priced('inputs', 'Cuajo', 'l'),
      priced('inputs', 'Cloruro de calcio', 'kg'),
      priced('inputs', 'Fermento láctico', 'sobre'),
      priced('inputs', 'Sal', 'kg'),
      priced('hired_labor', 'Elaboración y volteo', 'JH'),
      priced('family_labor', 'Mano de obra familiar', 'JH'),
      priced('services', 'Gas', 'balón'),
      priced('services', 'Electricidad', 'kWh'),
      priced('services', 'Análisis de laboratorio', 'análisis'),
      priced('packaging', 'Envase al vacío', 'unidad'),
      priced('packaging', 'Etiquetas', 'unidad'),
      priced('transport', 'Flete a Calama', 'flete'),
      { kind: 'percentage', category: 'overhead', description: 'Gastos de administración' },
      { kind: 'depreciation', category: 'depreciation', description: 'Sala de proceso' },
      {
        kind: 'depreciation',
        category: 'depreciation',
        description: 'Tina quesera, moldes y prensa',
      },
      ...commonEconomicLines,
    ],
  },
];

const BY_CODE = new Map(TEMPLATES.map((template) => [template.productCode, template]));

export function costSheetTemplateFor(productCode: string): CostSheetTemplate | undefined {
  return BY_CODE.get(productCode);
}

export function costSheetTemplateProductCodes(): string[] {
  return TEMPLATES.map((template) => template.productCode);
}
