import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, PlatformAdminOnly, PlatformAdminOr } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import { validationFailed } from '../../shared/errors/domain-error';
import { type Page, PageQuery } from '../../shared/pagination/pagination';
import { AYLLU_LAYOUT_HEADER } from './domain/price-file';
import {
  ImportReportResponse,
  ListMarketPricesQuery,
  MarketPriceResponse,
  ProductAliasResponse,
  PutProductAliasRequest,
  RecordMarketPriceRequest,
} from './dto/market-price.dto';
import { MarketPriceImportService } from './market-price-import.service';
import { MarketPricesService } from './market-prices.service';
import { TreasurerOfAnAssociation } from './treasurer.check';

@ApiTags('market prices')
@ApiBearerAuth()
@Controller('market-prices')
export class MarketPricesController {
  constructor(
    private readonly prices: MarketPricesService,
    private readonly importer: MarketPriceImportService,
  ) {}

  @PlatformAdminOr(TreasurerOfAnAssociation, 'the treasurer of an association')
  @Post()
  @ApiCreatedResponse({ type: MarketPriceResponse })
  record(
    @CurrentUser() user: AuthenticatedUser,
    @Body() request: RecordMarketPriceRequest,
  ): Promise<MarketPriceResponse> {
    return this.prices.record(user, request);
  }

  @AnyUser()
  @Get()
  list(@Query() query: ListMarketPricesQuery): Promise<Page<MarketPriceResponse>> {
    return this.prices.list(query);
  }

  /**
   * The body is the file itself, streamed: express.json leaves a text/csv body unread, and
   * this handler reads it as it arrives (a year of ODEPA prices is ~40 MB).
   */
  @PlatformAdminOnly()
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: `ODEPA's wholesale price file as published, or our layout: ${AYLLU_LAYOUT_HEADER}`,
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOkResponse({ type: ImportReportResponse })
  @ApiPayloadTooLargeResponse()
  @ApiUnsupportedMediaTypeResponse()
  async import(
    @CurrentUser() user: AuthenticatedUser,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ImportReportResponse> {
    try {
      if (req.header('idempotency-key') !== undefined) {
        // The idempotency fingerprint is taken before a streamed body is read, so two
        // different files would share it; re-importing a file is safe without a key.
        throw validationFailed([
          {
            field: 'Idempotency-Key',
            code: 'NOT_SUPPORTED',
            message:
              'an import cannot be matched to a key before its file is read; send it without one: re-importing the same file adds no rows',
          },
        ]);
      }
      const length = req.header('content-length');
      return await this.importer.import({
        body: req,
        contentType: req.header('content-type'),
        contentLength: length === undefined ? undefined : Number(length),
        userId: user.id,
      });
    } catch (error) {
      // The rest of the upload is not wanted: close the connection after the answer
      // instead of reading it to the end to keep the connection alive.
      if (!req.readableEnded) res.setHeader('Connection', 'close');
      throw error;
    }
  }

  @AnyUser()
  @Get('aliases')
  listAliases(@Query() page: PageQuery): Promise<Page<ProductAliasResponse>> {
    return this.prices.listAliases(page);
  }

  @PlatformAdminOnly()
  @Put('aliases/:name')
  @ApiOkResponse({ type: ProductAliasResponse })
  putAlias(
    @Param('name') name: string,
    @Body() request: PutProductAliasRequest,
  ): Promise<ProductAliasResponse> {
    return this.prices.putAlias(name, request.productId);
  }

  @PlatformAdminOnly()
  @Delete('aliases/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  deleteAlias(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.prices.deleteAlias(id);
  }
}
