import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../../shared/auth/access.decorators';
import { type Page, PageQuery } from '../../shared/pagination/pagination';
import { CatalogService } from './catalog.service';
import type { CommunityResponse, ProductResponse } from './dto/catalog.dto';

@ApiTags('reference data')
@Controller()
export class CatalogController {
  constructor(private readonly catalog: CatalogService) {}

  @Public()
  @Get('communities')
  listCommunities(@Query() page: PageQuery): Promise<Page<CommunityResponse>> {
    return this.catalog.listCommunities(page);
  }

  @Public()
  @Get('products')
  listProducts(@Query() page: PageQuery): Promise<Page<ProductResponse>> {
    return this.catalog.listProducts(page);
  }
}
