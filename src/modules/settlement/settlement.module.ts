import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { PoolingModule } from '../pooling/pooling.module';
import { DeliveriesService } from './deliveries.service';
import { PaymentsService } from './payments.service';
import { SettlementController } from './settlement.controller';
import { SettlementsService } from './settlements.service';
import { StatementsService } from './statements.service';

@Module({
  imports: [PoolingModule, CatalogModule],
  controllers: [SettlementController],
  providers: [DeliveriesService, PaymentsService, SettlementsService, StatementsService],
  exports: [SettlementsService, StatementsService],
})
export class SettlementModule {}
