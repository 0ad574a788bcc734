import { Module } from '@nestjs/common';
import { CostingController } from './costing.controller';
import { CostingService } from './costing.service';

@Module({
  controllers: [CostingController],
  providers: [CostingService],
  // Pooling serves GET /lots/:id/cost-basis through CostingService.costBasisOf.
  exports: [CostingService],
})
export class CostingModule {}
