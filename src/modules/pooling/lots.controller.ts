import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, OrganizationRoles } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import type { Page } from '../../shared/pagination/pagination';
import {
  AddContributionRequest,
  AssociationLotResponse,
  ContributionResponse,
  CostBasisQuery,
  CreateLotRequest,
  LotListQuery,
  LotResponse,
} from './dto/lot.dto';
import { toAssociationLotResponse, toContributionResponse, toLotResponse } from './lot.mappers';
import { LotsService } from './lots.service';

@ApiTags('lots')
@ApiBearerAuth()
@Controller()
export class LotsController {
  constructor(private readonly lots: LotsService) {}

  @OrganizationRoles(['manager'])
  @Post('organizations/:id/lots')
  @ApiCreatedResponse({ type: AssociationLotResponse })
  async create(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: CreateLotRequest,
  ): Promise<AssociationLotResponse> {
    const lot = await this.lots.create(organizationId, user, request);
    return toAssociationLotResponse(lot, [], null);
  }

  @OrganizationRoles(['manager'], { resource: 'lot' })
  @Post('lots/:id/contributions')
  @ApiCreatedResponse({ type: ContributionResponse })
  async addContribution(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: AddContributionRequest,
  ): Promise<ContributionResponse> {
    return toContributionResponse(await this.lots.addContribution(lotId, user, request));
  }

  @OrganizationRoles(['manager'], { resource: 'lot' })
  @Delete('lots/:id/contributions/:cid')
  @HttpCode(204)
  withdrawContribution(
    @Param('id', ParseUUIDPipe) lotId: string,
    @Param('cid', ParseUUIDPipe) contributionId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<void> {
    return this.lots.withdrawContribution(lotId, contributionId, user);
  }

  @OrganizationRoles(['manager'], { resource: 'lot' })
  @Post('lots/:id/publish')
  @HttpCode(200)
  @ApiOkResponse({ type: AssociationLotResponse })
  async publish(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AssociationLotResponse> {
    await this.lots.publish(lotId, user);
    return this.associationView(lotId, user);
  }

  @OrganizationRoles(['manager'], { resource: 'lot' })
  @Post('lots/:id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ type: AssociationLotResponse })
  async cancel(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<AssociationLotResponse> {
    await this.lots.cancel(lotId, user);
    return this.associationView(lotId, user);
  }

  @AnyUser()
  @Get('lots')
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() query: LotListQuery,
  ): Promise<Page<LotResponse | AssociationLotResponse>> {
    const page = await this.lots.list(user, query);
    const items = await Promise.all(
      page.items.map(async ({ lot, side }) =>
        side === 'association' ? this.lots.associationResponse(lot) : toLotResponse(lot),
      ),
    );
    return { items, nextCursor: page.nextCursor };
  }

  @AnyUser()
  @Get('lots/:id')
  @ApiOkResponse({
    type: AssociationLotResponse,
    description: 'buyers get the LotResponse fields only',
  })
  async get(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<LotResponse | AssociationLotResponse> {
    const { lot, viewer } = await this.lots.view(lotId, user);
    return viewer.side === 'association' ? this.lots.associationResponse(lot) : toLotResponse(lot);
  }

  @OrganizationRoles('any', { resource: 'lot' })
  @Get('lots/:id/cost-basis')
  async costBasis(@Param('id', ParseUUIDPipe) lotId: string, @Query() query: CostBasisQuery) {
    return this.lots.costBasisReport(lotId, query.price);
  }

  @OrganizationRoles('any', { resource: 'lot' })
  @Get('lots/:id/history')
  async history(@Param('id', ParseUUIDPipe) lotId: string) {
    const { events, verification } = await this.lots.historyOf(lotId);
    return { items: events, verification };
  }

  private async associationView(
    lotId: string,
    user: AuthenticatedUser,
  ): Promise<AssociationLotResponse> {
    const { lot } = await this.lots.view(lotId, user);
    return this.lots.associationResponse(lot);
  }
}
