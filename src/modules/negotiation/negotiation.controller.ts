import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import { Clock } from '../../shared/clock';
import { overrideStatus } from '../../shared/http/status-override';
import {
  type InlineIdempotency,
  InlineIdempotencyKey,
  StoresOwnIdempotentAnswer,
} from '../../shared/idempotency/inline-idempotency';
import type { BuyerAllocationView } from './domain/offer-visibility';
import type { TenderAllocation } from './domain/tender-allocation';
import {
  AcceptOfferRequest,
  ApprovalResponse,
  CounterOfferRequest,
  DealResponse,
  MakeOfferRequest,
  OfferResponse,
  OfferWithThreadResponse,
  VoteRequest,
} from './dto/negotiation.dto';
import { toApprovalResponse, toDealResponse, toOfferResponse } from './negotiation.mappers';
import { NegotiationService } from './negotiation.service';
import type { Deal } from './entities/deal.entity';
import type { Offer } from './entities/offer.entity';
import { OfferBenchmarkResponse } from '../market-prices/dto/market-price.dto';

@ApiTags('negotiation')
@ApiBearerAuth()
@Controller()
export class NegotiationController {
  constructor(
    private readonly negotiation: NegotiationService,
    private readonly clock: Clock,
  ) {}

  @AnyUser()
  @Post('lots/:id/offers')
  @StoresOwnIdempotentAnswer()
  @ApiCreatedResponse({ type: OfferResponse })
  async makeOffer(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: MakeOfferRequest,
    @InlineIdempotencyKey() key: InlineIdempotency | undefined,
  ): Promise<OfferResponse> {
    const now = this.clock.now();
    const answer = (offer: Offer) => toOfferResponse(offer, now);
    return answer(
      await this.negotiation.makeOffer(lotId, user, request, key?.answeredBy(201, answer)),
    );
  }

  @AnyUser()
  @Get('lots/:id/offers')
  async listOffers(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<{ items: OfferResponse[] }> {
    const now = this.clock.now();
    return {
      items: (await this.negotiation.listOffers(lotId, user)).map((offer) =>
        toOfferResponse(offer, now),
      ),
    };
  }

  @AnyUser()
  @Get('offers/:id')
  @ApiOkResponse({ type: OfferWithThreadResponse })
  async getOffer(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OfferWithThreadResponse> {
    const { offer, thread } = await this.negotiation.getOffer(offerId, user);
    const now = this.clock.now();
    return {
      ...toOfferResponse(offer, now),
      thread: thread.map((item) => toOfferResponse(item, now)),
    };
  }

  @AnyUser()
  @Post('offers/:id/counter')
  @ApiCreatedResponse({ type: OfferResponse })
  async counter(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: CounterOfferRequest,
  ): Promise<OfferResponse> {
    return toOfferResponse(
      await this.negotiation.counter(offerId, user, request),
      this.clock.now(),
    );
  }

  /** 201 with the deal, or 202 with the approval the association's policy asks for. */
  @AnyUser()
  @Post('offers/:id/accept')
  @StoresOwnIdempotentAnswer()
  @ApiCreatedResponse({ description: '{ deal } when accepted outright' })
  async accept(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: AcceptOfferRequest,
    @Res({ passthrough: true }) res: Response,
    @InlineIdempotencyKey() key: InlineIdempotency | undefined,
  ): Promise<{ deal: DealResponse } | { approval: ApprovalResponse }> {
    const answer = (deal: Deal) => ({ deal: toDealResponse(deal) });
    const outcome = await this.negotiation.accept(
      offerId,
      user,
      request,
      key?.answeredBy(201, answer),
    );
    if ('deal' in outcome) return answer(outcome.deal);
    overrideStatus(res, 202);
    const { approval, votes, tally, dealId } = await this.negotiation.getApproval(
      outcome.approval.id,
      user,
    );
    return { approval: toApprovalResponse(approval, votes, tally, dealId) };
  }

  @AnyUser()
  @Post('offers/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: OfferResponse })
  async reject(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OfferResponse> {
    return toOfferResponse(await this.negotiation.reject(offerId, user), this.clock.now());
  }

  @AnyUser()
  @Post('offers/:id/withdraw')
  @HttpCode(200)
  @ApiOkResponse({ type: OfferResponse })
  async withdraw(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OfferResponse> {
    return toOfferResponse(await this.negotiation.withdraw(offerId, user), this.clock.now());
  }

  @AnyUser()
  @Get('approvals/:id')
  @ApiOkResponse({ type: ApprovalResponse })
  async getApproval(
    @Param('id', ParseUUIDPipe) approvalId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ApprovalResponse> {
    const { approval, votes, tally, dealId } = await this.negotiation.getApproval(approvalId, user);
    return toApprovalResponse(approval, votes, tally, dealId);
  }

  @AnyUser()
  @Post('approvals/:id/votes')
  @ApiCreatedResponse({ type: ApprovalResponse })
  async vote(
    @Param('id', ParseUUIDPipe) approvalId: string,
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: VoteRequest,
  ): Promise<ApprovalResponse> {
    await this.negotiation.vote(approvalId, user, request.choice);
    const { approval, votes, tally, dealId } = await this.negotiation.getApproval(approvalId, user);
    return toApprovalResponse(approval, votes, tally, dealId);
  }

  @AnyUser()
  @Get('lots/:id/allocation')
  allocation(
    @Param('id', ParseUUIDPipe) lotId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<TenderAllocation | BuyerAllocationView> {
    return this.negotiation.allocation(lotId, user);
  }

  @AnyUser()
  @Get('offers/:id/benchmark')
  @ApiOkResponse({ type: OfferBenchmarkResponse })
  benchmark(
    @Param('id', ParseUUIDPipe) offerId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OfferBenchmarkResponse> {
    return this.negotiation.benchmark(offerId, user);
  }

  @AnyUser()
  @Get('deals/:id')
  @ApiOkResponse({ type: DealResponse })
  async getDeal(
    @Param('id', ParseUUIDPipe) dealId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DealResponse> {
    return toDealResponse(await this.negotiation.getDeal(dealId, user));
  }
}
