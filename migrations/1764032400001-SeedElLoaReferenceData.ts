import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference communities and products of El Loa, transcribed once from the case study's
 * tables (Cuadro 1 and 2: Gobierno Regional, SEREMI de Agricultura, 1999) as shipped in
 * shared/data/el-loa.json. Grades follow the quality names of Chilean wholesale price
 * files (Primera, Segunda, Tercera); packaging units are the sack, net bag, tray and box
 * sizes those files quote. Demo reference data, not live figures.
 */
export class SeedElLoaReferenceData1764032400001 implements MigrationInterface {
  name = 'SeedElLoaReferenceData1764032400001';

  async up(db: QueryRunner): Promise<void> {
    for (const community of COMMUNITIES) {
      await db.query(
        `INSERT INTO communities (name, commune, families, altitude_m, distance_km_to_calama, cultivated_ha, product_codes, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          community.name,
          community.commune,
          community.families,
          community.altitudeM,
          community.distanceKmToCalama,
          community.cultivatedHa,
          community.productCodes,
          community.notes,
        ],
      );
    }
    for (const product of PRODUCTS) {
      const [{ id }] = (await db.query(
        `INSERT INTO products (code, name_es, name_en, category, base_unit) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [product.code, product.nameEs, product.nameEn, product.category, product.baseUnit],
      )) as { id: string }[];
      for (const [rank, grade] of product.grades.entries()) {
        await db.query(
          `INSERT INTO product_grades (product_id, code, name_es, name_en, rank) VALUES ($1, $2, $3, $4, $5)`,
          [id, grade.code, grade.nameEs, grade.nameEn, rank + 1],
        );
      }
      for (const unit of product.packagingUnits) {
        await db.query(
          `INSERT INTO packaging_units (product_id, code, name_es, name_en, quantity_in_base_unit) VALUES ($1, $2, $3, $4, $5)`,
          [id, unit.code, unit.nameEs, unit.nameEn, unit.quantityInBaseUnit],
        );
      }
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM products WHERE code = ANY($1)`, [PRODUCTS.map((p) => p.code)]);
    await db.query(`DELETE FROM communities`);
  }
}

const COMMUNITIES = [
  {
    name: 'Alrededores de Calama (Oasis de Calama)',
    commune: 'Calama',
    families: 360,
    altitudeM: 2250,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: [],
    notes: 'oasis of about 800 ha around the city',
  },
  {
    name: 'Chiu Chiu',
    commune: 'Calama',
    families: 50,
    altitudeM: 2500,
    distanceKmToCalama: '33',
    cultivatedHa: null,
    productCodes: ['hortalizas'],
    notes: null,
  },
  {
    name: 'Lasana',
    commune: 'Calama',
    families: 40,
    altitudeM: 2500,
    distanceKmToCalama: '33',
    cultivatedHa: null,
    productCodes: ['zanahoria', 'hortalizas'],
    notes:
      'carrot growers sold plot by plot to wholesale truckers who negotiated producer by producer; 8 km from Chiu Chiu',
  },
  {
    name: 'Toconce',
    commune: 'Calama',
    families: 15,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: ['habas', 'hortalizas', 'frutales'],
    notes: null,
  },
  {
    name: 'Caspana',
    commune: 'Calama',
    families: 40,
    altitudeM: 3305,
    distanceKmToCalama: '77',
    cultivatedHa: '47',
    productCodes: ['habas', 'hortalizas', 'frutales'],
    notes: null,
  },
  {
    name: 'Turi - Ayquina',
    commune: 'Calama',
    families: 15,
    altitudeM: 3100,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: ['cebada', 'camelidos'],
    notes: null,
  },
  {
    name: 'Ayllus de San Pedro',
    commune: 'San Pedro de Atacama',
    families: 350,
    altitudeM: 2438,
    distanceKmToCalama: '100',
    cultivatedHa: null,
    productCodes: [],
    notes: null,
  },
  {
    name: 'Socaire',
    commune: 'San Pedro de Atacama',
    families: 80,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: ['quinua', 'flores'],
    notes: null,
  },
  {
    name: 'Peine',
    commune: 'San Pedro de Atacama',
    families: 50,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: ['quinua', 'flores'],
    notes: null,
  },
  {
    name: 'Talabre',
    commune: 'San Pedro de Atacama',
    families: 14,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: [],
    notes: null,
  },
  {
    name: 'Camar',
    commune: 'San Pedro de Atacama',
    families: 10,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: [],
    notes: null,
  },
  {
    name: 'Toconao',
    commune: 'San Pedro de Atacama',
    families: 70,
    altitudeM: null,
    distanceKmToCalama: null,
    cultivatedHa: null,
    productCodes: ['frutales'],
    notes: null,
  },
];

const PRODUCTS = [
  {
    code: 'zanahoria',
    nameEs: 'Zanahoria',
    nameEn: 'Carrot',
    category: 'hortaliza',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
      {
        code: 'C',
        nameEs: 'Tercera',
        nameEn: 'Third grade',
      },
    ],
    packagingUnits: [
      {
        code: 'saco-20kg',
        nameEs: 'Saco 20 kilos',
        nameEn: '20 kg sack',
        quantityInBaseUnit: '20',
      },
      {
        code: 'malla-18kg',
        nameEs: 'Malla 18 kilos',
        nameEn: '18 kg net bag',
        quantityInBaseUnit: '18',
      },
      {
        code: 'bandeja-10kg',
        nameEs: 'Bandeja 10 kilos',
        nameEn: '10 kg tray',
        quantityInBaseUnit: '10',
      },
      {
        code: 'caja-20kg',
        nameEs: 'Caja 20 kilos',
        nameEn: '20 kg box',
        quantityInBaseUnit: '20',
      },
    ],
  },
  {
    code: 'habas',
    nameEs: 'Habas',
    nameEn: 'Broad beans',
    category: 'hortaliza',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
      {
        code: 'C',
        nameEs: 'Tercera',
        nameEn: 'Third grade',
      },
    ],
    packagingUnits: [
      {
        code: 'saco-25kg',
        nameEs: 'Saco 25 kilos',
        nameEn: '25 kg sack',
        quantityInBaseUnit: '25',
      },
      {
        code: 'malla-20kg',
        nameEs: 'Malla 20 kilos',
        nameEn: '20 kg net bag',
        quantityInBaseUnit: '20',
      },
    ],
  },
  {
    code: 'maiz',
    nameEs: 'Maíz',
    nameEn: 'Maize',
    category: 'grano',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'saco-25kg',
        nameEs: 'Saco 25 kilos',
        nameEn: '25 kg sack',
        quantityInBaseUnit: '25',
      },
    ],
  },
  {
    code: 'cebada',
    nameEs: 'Cebada',
    nameEn: 'Barley',
    category: 'grano',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'saco-50kg',
        nameEs: 'Saco 50 kilos',
        nameEn: '50 kg sack',
        quantityInBaseUnit: '50',
      },
    ],
  },
  {
    code: 'quinua',
    nameEs: 'Quinua',
    nameEn: 'Quinoa',
    category: 'grano',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'saco-25kg',
        nameEs: 'Saco 25 kilos',
        nameEn: '25 kg sack',
        quantityInBaseUnit: '25',
      },
      {
        code: 'bolsa-1kg',
        nameEs: 'Bolsa 1 kilo',
        nameEn: '1 kg bag',
        quantityInBaseUnit: '1',
      },
    ],
  },
  {
    code: 'leche-cabra',
    nameEs: 'Leche de cabra',
    nameEn: 'Goat milk',
    category: 'lacteo',
    baseUnit: 'l',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'bidon-20l',
        nameEs: 'Bidón 20 litros',
        nameEn: '20 l churn',
        quantityInBaseUnit: '20',
      },
    ],
  },
  {
    code: 'queso-cabra',
    nameEs: 'Queso de cabra',
    nameEn: 'Goat cheese',
    category: 'lacteo',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'caja-5kg',
        nameEs: 'Caja 5 kilos',
        nameEn: '5 kg box',
        quantityInBaseUnit: '5',
      },
    ],
  },
  {
    code: 'flores',
    nameEs: 'Flores',
    nameEn: 'Cut flowers',
    category: 'flor',
    baseUnit: 'unit',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
    ],
    packagingUnits: [
      {
        code: 'paquete-10',
        nameEs: 'Paquete de 10 varas',
        nameEn: 'Bunch of 10 stems',
        quantityInBaseUnit: '10',
      },
    ],
  },
  {
    code: 'frutales',
    nameEs: 'Fruta',
    nameEn: 'Fruit',
    category: 'fruta',
    baseUnit: 'kg',
    grades: [
      {
        code: 'A',
        nameEs: 'Primera',
        nameEn: 'First grade',
      },
      {
        code: 'B',
        nameEs: 'Segunda',
        nameEn: 'Second grade',
      },
      {
        code: 'C',
        nameEs: 'Tercera',
        nameEn: 'Third grade',
      },
    ],
    packagingUnits: [
      {
        code: 'caja-10kg',
        nameEs: 'Caja 10 kilos',
        nameEn: '10 kg box',
        quantityInBaseUnit: '10',
      },
      {
        code: 'bandeja-5kg',
        nameEs: 'Bandeja 5 kilos',
        nameEn: '5 kg tray',
        quantityInBaseUnit: '5',
      },
    ],
  },
];
