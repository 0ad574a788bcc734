import type TestAgent from 'supertest/lib/agent';
import { bearer, type TestUser } from './builders';

/** The catalogue's product id for a code (`zanahoria`, `leche-cabra`, `queso-cabra`). */
export async function productId(http: TestAgent, code: string): Promise<string> {
  const response = await http.get('/api/v1/products?limit=100').expect(200);
  const product = (response.body.items as { id: string; code: string }[]).find(
    (item) => item.code === code,
  );
  if (!product) throw new Error(`no product ${code} in the catalogue`);
  return product.id;
}

type Body = Record<string, unknown>;

/**
 * The worked example of the README: carrots on 0.4 ha in Lasana, in pesos. By hand:
 *
 *   priced lines      hired labour 2 × 25,000 + 10 × 25,000 = 300,000
 *                     family labour 14 × 20,000             = 280,000
 *                     machinery 2 × 30,000                  =  60,000
 *                     inputs 2 × 45,000 + 40 × 3,500        = 230,000
 *                     water 10 × 4,000                      =  40,000
 *                     packaging 320 × 350                   = 112,000
 *                     transport 1 × 120,000                 = 120,000
 *                     land 0.4 × 250,000                    = 100,000
 *                                                     total  1,242,000
 *   depreciation      (300,000 − 50,000) / 5 × 0.5          =  25,000
 *   imprevistos       5 % × 1,242,000 (every priced line)   =  62,100  (category other: cash)
 *   cash cost         300,000 + 60,000 + 230,000 + 40,000 + 112,000 + 120,000 + 62,100 = 924,100
 *   interest          12 % × 6 / 12 × 924,100               =  55,446
 *   economic cost     924,100 + 280,000 + 100,000 + 25,000 + 55,446 = 1,384,546
 *   per kg at 6,000 / 8,000 / 10,000 kg: 230.7576… / 173.06825 / 138.4546
 */
export function carrotSheet(carrotId: string, overrides: Body = {}): Body {
  return {
    productId: carrotId,
    name: 'Zanahoria, terraza de Lasana',
    season: '2026-2027',
    areaHa: '0.4',
    currency: 'CLP',
    yields: { low: '6000', expected: '8000', high: '10000' },
    lines: [
      {
        category: 'hired_labor',
        description: 'Siembra',
        period: 'Septiembre',
        quantity: '2',
        unit: 'JH',
        unitPrice: '25000',
      },
      {
        category: 'hired_labor',
        description: 'Cosecha y ensacado',
        quantity: '10',
        unit: 'JH',
        unitPrice: '25000',
      },
      {
        category: 'family_labor',
        description: 'Riegos y desmalezado',
        quantity: '14',
        unit: 'JH',
        unitPrice: '20000',
      },
      {
        category: 'machinery',
        description: 'Aradura',
        quantity: '2',
        unit: 'yunta',
        unitPrice: '30000',
      },
      {
        category: 'inputs',
        description: 'Semilla de zanahoria',
        quantity: '2',
        unit: 'kg',
        unitPrice: '45000',
      },
      { category: 'inputs', description: 'Guano', quantity: '40', unit: 'saco', unitPrice: '3500' },
      {
        category: 'water',
        description: 'Turnos de riego',
        quantity: '10',
        unit: 'turno',
        unitPrice: '4000',
      },
      {
        category: 'packaging',
        description: 'Sacos',
        quantity: '320',
        unit: 'saco',
        unitPrice: '350',
      },
      {
        category: 'transport',
        description: 'Flete a Calama',
        quantity: '1',
        unit: 'flete',
        unitPrice: '120000',
      },
      {
        category: 'land',
        description: 'Uso de la tierra',
        quantity: '0.4',
        unit: 'ha',
        unitPrice: '250000',
      },
      {
        category: 'depreciation',
        description: 'Herramientas',
        assetValue: '300000',
        salvageValue: '50000',
        lifeYears: '5',
        share: '0.5',
      },
      { category: 'other', description: 'Imprevistos', rate: '0.05' },
      {
        category: 'interest',
        description: 'Interés sobre capital de operación',
        annualRate: '0.12',
        months: '6',
      },
    ],
    ...overrides,
  };
}

/** Goat milk for the cheese plant: 2,000,000 + 500 × alfalfaPrice over 10,000 l. */
export function milkSheet(milkId: string, alfalfaPrice = '6000', overrides: Body = {}): Body {
  return {
    productId: milkId,
    name: 'Leche de cabra, Toconce',
    season: '2026-2027',
    areaHa: '0',
    currency: 'CLP',
    yields: { low: '8000', expected: '10000', high: '12000' },
    lines: [
      {
        category: 'hired_labor',
        description: 'Ordeña',
        quantity: '100',
        unit: 'JH',
        unitPrice: '20000',
      },
      {
        category: 'inputs',
        description: 'Alfalfa',
        quantity: '500',
        unit: 'fardo',
        unitPrice: alfalfaPrice,
      },
    ],
    ...overrides,
  };
}

/** Cheese from 7,000 l of the given milk sheet plus 1,000,000 of labour, over 1,000 kg. */
export function cheeseSheet(cheeseId: string, milkSheetId: string, overrides: Body = {}): Body {
  return {
    productId: cheeseId,
    name: 'Queso de cabra, quesería de Toconce',
    season: '2026-2027',
    areaHa: '0',
    currency: 'CLP',
    yields: { low: '900', expected: '1000', high: '1100' },
    lines: [
      {
        category: 'inputs',
        description: 'Leche de cabra',
        quantity: '7000',
        unit: 'l',
        sourceSheetId: milkSheetId,
      },
      {
        category: 'hired_labor',
        description: 'Elaboración y volteo',
        quantity: '50',
        unit: 'JH',
        unitPrice: '20000',
      },
    ],
    ...overrides,
  };
}

export async function createSheet(
  http: TestAgent,
  caller: TestUser,
  organizationId: string,
  body: Body,
): Promise<{ id: string; version: number } & Body> {
  const response = await http
    .post(`/api/v1/organizations/${organizationId}/cost-sheets`)
    .set(bearer(caller))
    .send(body)
    .expect(201);
  return response.body;
}
