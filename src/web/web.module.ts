import { Module } from '@nestjs/common';
import { ConsoleApi } from './console-api';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsolePages } from './console-page';
import { ConsoleSession } from './console-session';
import { ConsoleViews } from './console-views';
import { ApprovalPagesController } from './pages/approval-pages.controller';
import { AuthPagesController } from './pages/auth-pages.controller';
import { CostPagesController } from './pages/cost-pages.controller';
import { LotPagesController } from './pages/lot-pages.controller';
import { MembersPagesController } from './pages/members-pages.controller';
import { OrganizationPagesController } from './pages/organization-pages.controller';
import { PricesPagesController } from './pages/prices-pages.controller';
import { SettlementPagesController } from './pages/settlement-pages.controller';

/** The web console: pages over the API, for people who will never use curl. */
@Module({
  controllers: [
    AuthPagesController,
    OrganizationPagesController,
    LotPagesController,
    ApprovalPagesController,
    PricesPagesController,
    MembersPagesController,
    CostPagesController,
    SettlementPagesController,
  ],
  providers: [ConsoleApi, ConsoleSession, ConsoleViews, ConsolePages, ConsoleErrorFilter],
})
export class WebModule {}
