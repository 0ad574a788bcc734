import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser, OrganizationAccess } from '../../shared/auth/access';
import { OrganizationRoles } from '../../shared/auth/access.decorators';
import { CurrentAccess, CurrentUser } from '../../shared/auth/current-user.decorator';
import { overrideStatus } from '../../shared/http/status-override';
import type { Page } from '../../shared/pagination/pagination';
import { DeliveriesService } from './deliveries.service';
import {
  ComputeSettlementRequest,
  DealAccountResponse,
  DeliveryResponse,
  RecordDeliveryRequest,
  RecordPaymentRequest,
  RecordedDeliveryResponse,
  RecordedPaymentResponse,
  SettlementResponse,
  SettlementSummaryResponse,
  StatementBundleResponse,
} from './dto/settlement.dto';
import { PaymentsService } from './payments.service';
import {
  toBalance,
  toDealAccountResponse,
  toDeliveryResponse,
  toPaymentResponse,
  toSettlementResponse,
  toSettlementSummary,
  toStatementBundleResponse,
} from './settlement.mappers';
import { SettlementsService } from './settlements.service';
import { StatementsService } from './statements.service';

const DEAL = { resource: 'deal' } as const;
const LOT = { resource: 'lot' } as const;
const SETTLEMENT = { resource: 'settlement' } as const;
const DELIVERY_BUYER = { resource: 'delivery-buyer' } as const;

@ApiTags('settlement')
@ApiBearerAuth()
@Controller()
export class SettlementController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly payments: PaymentsService,
    private readonly settlements: SettlementsService,
    private readonly statements: StatementsService,
  ) {}

  @OrganizationRoles(['manager'], DEAL)
  @Post('deals/:id/deliveries')
  @ApiCreatedResponse({ type: RecordedDeliveryResponse })
  async recordDelivery(
    @Param('id', ParseUUIDPipe) dealId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: RecordDeliveryRequest,
  ): Promise<RecordedDeliveryResponse> {
    const recorded = await this.deliveries.record(dealId, user, request);
    return {
      ...toDeliveryResponse(recorded),
      dealStatus: recorded.dealStatus,
      lotStatus: recorded.lotStatus,
    };
  }

  @OrganizationRoles('any', DEAL)
  @Get('deals/:id/deliveries')
  async listDeliveries(
    @Param('id', ParseUUIDPipe) dealId: string,
  ): Promise<Page<DeliveryResponse>> {
    const items = await this.deliveries.ofDeal(dealId);
    return { items: items.map(toDeliveryResponse), nextCursor: null };
  }

  @OrganizationRoles(['buyer_agent'], DELIVERY_BUYER)
  @Get('deliveries/:id')
  @ApiOkResponse({ type: DeliveryResponse })
  async getDelivery(@Param('id', ParseUUIDPipe) deliveryId: string): Promise<DeliveryResponse> {
    return toDeliveryResponse(await this.deliveries.get(deliveryId));
  }

  /** The buyer agent's receipt of the delivery; see DeliveriesService for what it does not do. */
  @OrganizationRoles(['buyer_agent'], DELIVERY_BUYER)
  @Post('deliveries/:id/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryResponse })
  async confirmDelivery(
    @Param('id', ParseUUIDPipe) deliveryId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DeliveryResponse> {
    return toDeliveryResponse(await this.deliveries.confirmReceipt(deliveryId, user));
  }

  @OrganizationRoles(['treasurer'], DEAL)
  @Post('deals/:id/payments')
  @ApiCreatedResponse({ type: RecordedPaymentResponse })
  async recordPayment(
    @Param('id', ParseUUIDPipe) dealId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: RecordPaymentRequest,
  ): Promise<RecordedPaymentResponse> {
    const { payment, deal, balance } = await this.payments.record(dealId, user, request);
    return { ...toPaymentResponse(payment, deal.currency), balance: toBalance(balance) };
  }

  @OrganizationRoles('any', DEAL)
  @Get('deals/:id/payments')
  @ApiOkResponse({ type: DealAccountResponse })
  async account(@Param('id', ParseUUIDPipe) dealId: string): Promise<DealAccountResponse> {
    return toDealAccountResponse(await this.payments.account(dealId));
  }

  /** 201 with a new draft (or adjustment); 200 when an existing draft was recomputed. */
  @OrganizationRoles(['treasurer'], LOT)
  @Post('lots/:id/settlements')
  @ApiCreatedResponse({ type: SettlementResponse })
  async compute(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: ComputeSettlementRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SettlementResponse> {
    const { settlement, created } = await this.settlements.compute(lotId, user, request);
    if (!created) overrideStatus(res, 200);
    return toSettlementResponse(settlement, await this.settlements.payoutsOf(settlement.id));
  }

  @OrganizationRoles('any', LOT)
  @Get('lots/:id/settlements')
  async listSettlements(
    @Param('id', ParseUUIDPipe) lotId: string,
  ): Promise<Page<SettlementSummaryResponse>> {
    const items = await this.settlements.listForLot(lotId);
    return { items: items.map(toSettlementSummary), nextCursor: null };
  }

  @OrganizationRoles('any', SETTLEMENT)
  @Get('settlements/:id')
  @ApiOkResponse({ type: SettlementResponse })
  async get(@Param('id', ParseUUIDPipe) settlementId: string): Promise<SettlementResponse> {
    const settlement = await this.settlements.find(settlementId);
    return toSettlementResponse(settlement, await this.settlements.payoutsOf(settlementId));
  }

  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Post('settlements/:id/confirm')
  @HttpCode(200)
  @ApiOkResponse({ type: SettlementResponse })
  async confirm(
    @Param('id', ParseUUIDPipe) settlementId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<SettlementResponse> {
    const settlement = await this.settlements.confirm(settlementId, user);
    return toSettlementResponse(settlement, await this.settlements.payoutsOf(settlementId));
  }

  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Delete('settlements/:id')
  @HttpCode(204)
  discard(@Param('id', ParseUUIDPipe) settlementId: string): Promise<void> {
    return this.settlements.discard(settlementId);
  }

  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Get('settlements/:id/statements.csv')
  @ApiProduces('text/csv')
  async statementsCsv(
    @Param('id', ParseUUIDPipe) settlementId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const { filename, csv } = await this.statements.csv(settlementId);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    return csv;
  }

  /** Any member reaches the service, which admits the treasurer and the producer's own user. */
  @OrganizationRoles('any', SETTLEMENT)
  @Get('settlements/:id/producers/:pid/statement.pdf')
  @ApiProduces('application/pdf')
  async producerStatement(
    @Param('id', ParseUUIDPipe) settlementId: string,
    @Param('pid', ParseUUIDPipe) producerId: string,
    @CurrentUser() user: AuthenticatedUser,
    @CurrentAccess() access: OrganizationAccess | undefined,
  ): Promise<StreamableFile> {
    const { filename, pdf } = await this.statements.producerPdf(
      settlementId,
      producerId,
      user,
      access,
    );
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `inline; filename="${filename}"`,
      length: pdf.length,
    });
  }

  /** 202 while the job renders every producer's statement; 200 once it is ready. */
  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Post('settlements/:id/statement-bundle')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: StatementBundleResponse })
  async requestBundle(
    @Param('id', ParseUUIDPipe) settlementId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StatementBundleResponse> {
    const bundle = await this.statements.requestBundle(settlementId, user);
    if (bundle.status !== 'pending') overrideStatus(res, 200);
    return toStatementBundleResponse(bundle);
  }

  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Get('settlements/:id/statement-bundle')
  @ApiOkResponse({ type: StatementBundleResponse })
  async bundle(@Param('id', ParseUUIDPipe) settlementId: string): Promise<StatementBundleResponse> {
    return toStatementBundleResponse(await this.statements.bundle(settlementId));
  }

  @OrganizationRoles(['treasurer'], SETTLEMENT)
  @Get('settlements/:id/statement-bundle.pdf')
  @ApiProduces('application/pdf')
  async bundlePdf(@Param('id', ParseUUIDPipe) settlementId: string): Promise<StreamableFile> {
    const { filename, pdf } = await this.statements.bundlePdf(settlementId);
    return new StreamableFile(pdf, {
      type: 'application/pdf',
      disposition: `attachment; filename="${filename}"`,
      length: pdf.length,
    });
  }
}
