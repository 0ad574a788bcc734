import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { PoolingModule } from '../pooling/pooling.module';
import { NegotiationController } from './negotiation.controller';
import { NegotiationService } from './negotiation.service';

@Module({
  imports: [PoolingModule, IdentityModule],
  controllers: [NegotiationController],
  providers: [NegotiationService],
  exports: [NegotiationService],
})
export class NegotiationModule {}
