import { Module } from '@nestjs/common';
import { ConsoleApi } from './console-api';
import { ConsoleErrorFilter } from './console-error.filter';
import { ConsolePages } from './console-page';
import { ConsoleSession } from './console-session';
import { ConsoleViews } from './console-views';
import { AuthPagesController } from './pages/auth-pages.controller';
import { CostPagesController } from './pages/cost-pages.controller';
import { SettlementPagesController } from './pages/settlement-pages.controller';

/** The web console: pages over the API, for people who will never use curl. */
@Module({
  controllers: [AuthPagesController, CostPagesController, SettlementPagesController],
  providers: [ConsoleApi, ConsoleSession, ConsoleViews, ConsolePages, ConsoleErrorFilter],
})
export class WebModule {}
