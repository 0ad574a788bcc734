import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, OrganizationRoles } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import type { Page } from '../../shared/pagination/pagination';
import {
  type CostSummaryResponse,
  CostingService,
  type SensitivityResponse,
} from './costing.service';
import {
  CostSheetListItem,
  CostSheetResponse,
  CostSheetTemplateResponse,
  CreateCostSheetRequest,
  ImportCostSheetRequest,
  ImportCostSheetResponse,
  ListCostSheetsQuery,
  SensitivityQuery,
  SummaryQuery,
  TemplatesQuery,
  UpdateCostSheetRequest,
} from './dto/costing.dto';

/** Sheet routes name the sheet; the guard finds its association through the resolver. */
const SHEET = { resource: 'cost-sheet' } as const;

@ApiTags('costing')
@ApiBearerAuth()
@Controller()
export class CostingController {
  constructor(private readonly costing: CostingService) {}

  @OrganizationRoles(['manager', 'treasurer'])
  @Post('organizations/:id/cost-sheets')
  @ApiCreatedResponse({ type: CostSheetResponse })
  create(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: CreateCostSheetRequest,
  ): Promise<CostSheetResponse> {
    return this.costing.create(organizationId, user.id, request);
  }

  @OrganizationRoles('any')
  @Get('organizations/:id/cost-sheets')
  list(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @Query() query: ListCostSheetsQuery,
  ): Promise<Page<CostSheetListItem>> {
    return this.costing.list(organizationId, query);
  }

  @OrganizationRoles(['manager', 'treasurer'])
  @Post('organizations/:id/cost-sheets/import')
  @ApiCreatedResponse({ type: ImportCostSheetResponse })
  importCsv(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: ImportCostSheetRequest,
  ): Promise<ImportCostSheetResponse> {
    return this.costing.importCsv(organizationId, user.id, request);
  }

  @AnyUser()
  @Get('cost-sheet-templates')
  @ApiOkResponse({ description: '`{ items: CostSheetTemplateResponse[], nextCursor: null }`' })
  async templates(@Query() query: TemplatesQuery): Promise<Page<CostSheetTemplateResponse>> {
    return { items: await this.costing.templates(query.productId), nextCursor: null };
  }

  @OrganizationRoles('any', SHEET)
  @Get('cost-sheets/:id')
  @ApiOkResponse({ type: CostSheetResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CostSheetResponse> {
    return this.costing.get(id);
  }

  @OrganizationRoles(['manager', 'treasurer'], SHEET)
  @Patch('cost-sheets/:id')
  @ApiOkResponse({ type: CostSheetResponse })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: UpdateCostSheetRequest,
  ): Promise<CostSheetResponse> {
    return this.costing.update(id, user.id, request);
  }

  @OrganizationRoles('any', SHEET)
  @Get('cost-sheets/:id/summary')
  summary(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: SummaryQuery,
  ): Promise<CostSummaryResponse> {
    return this.costing.summary(id, query.price);
  }

  @OrganizationRoles('any', SHEET)
  @Get('cost-sheets/:id/sensitivity')
  sensitivity(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: SensitivityQuery,
  ): Promise<SensitivityResponse> {
    return this.costing.sensitivity(id, query.prices, query.yields);
  }

  @OrganizationRoles('any', SHEET)
  @Get('cost-sheets/:id/export.csv')
  @ApiProduces('text/csv')
  async exportCsv(
    @Param('id', ParseUUIDPipe) id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { filename, csv } = await this.costing.exportCsv(id);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    return csv;
  }
}
