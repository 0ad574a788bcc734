import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { toDecimalString } from '../../shared/money/decimal';
import { type Page, type PageQuery, mapPage, paginate } from '../../shared/pagination/pagination';
import type { CommunityResponse, ProductResponse } from './dto/catalog.dto';
import { Community } from './entities/community.entity';
import { PackagingUnit } from './entities/packaging-unit.entity';
import { Product } from './entities/product.entity';
import { ProductGrade } from './entities/product-grade.entity';

@Injectable()
export class CatalogService {
  constructor(private readonly dataSource: DataSource) {}

  /** What a lot of this product may be graded and measured in; null for an unknown product. */
  async productTerms(
    productId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{
    baseUnit: string;
    grades: string[];
    units: string[];
    /** How much of the base unit each unit holds (the base unit itself: 1). */
    unitFactors: Record<string, string>;
  } | null> {
    const product = await manager.findOneBy(Product, { id: productId });
    if (!product) return null;
    const [grades, units] = [
      await manager.findBy(ProductGrade, { productId }),
      await manager.findBy(PackagingUnit, { productId }),
    ];
    return {
      baseUnit: product.baseUnit,
      grades: grades.map((grade) => grade.code),
      units: [product.baseUnit, ...units.map((unit) => unit.code)],
      unitFactors: Object.fromEntries<string>([
        [product.baseUnit, '1'],
        ...units.map((unit): [string, string] => [
          unit.code,
          toDecimalString(unit.quantityInBaseUnit),
        ]),
      ]),
    };
  }

  async listCommunities(page: PageQuery): Promise<Page<CommunityResponse>> {
    const result = await paginate(
      this.dataSource.getRepository(Community).createQueryBuilder('community'),
      page,
    );
    return mapPage(result, (community) => ({
      id: community.id,
      name: community.name,
      commune: community.commune,
      families: community.families,
      altitudeM: community.altitudeM,
      distanceKmToCalama:
        community.distanceKmToCalama === null
          ? null
          : toDecimalString(community.distanceKmToCalama),
      cultivatedHa:
        community.cultivatedHa === null ? null : toDecimalString(community.cultivatedHa),
      productCodes: community.productCodes,
      notes: community.notes,
    }));
  }

  async listProducts(page: PageQuery): Promise<Page<ProductResponse>> {
    const result = await paginate(
      this.dataSource.getRepository(Product).createQueryBuilder('product'),
      page,
    );
    const productIds = result.items.map((product) => product.id);
    const [grades, units] = await Promise.all([
      this.dataSource.getRepository(ProductGrade).find({
        where: { productId: In(productIds) },
        order: { rank: 'ASC' },
      }),
      this.dataSource.getRepository(PackagingUnit).find({
        where: { productId: In(productIds) },
        order: { code: 'ASC' },
      }),
    ]);
    return mapPage(result, (product) => ({
      id: product.id,
      code: product.code,
      nameEs: product.nameEs,
      nameEn: product.nameEn,
      category: product.category,
      baseUnit: product.baseUnit,
      grades: grades
        .filter((grade) => grade.productId === product.id)
        .map(({ code, nameEs, nameEn, rank }) => ({ code, nameEs, nameEn, rank })),
      packagingUnits: units
        .filter((unit) => unit.productId === product.id)
        .map(({ code, nameEs, nameEn, quantityInBaseUnit }) => ({
          code,
          nameEs,
          nameEn,
          quantityInBaseUnit: toDecimalString(quantityInBaseUnit),
        })),
    }));
  }
}
