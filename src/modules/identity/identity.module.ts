import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AccessDirectory } from '../../shared/auth/access';
import { AccessGuard } from '../../shared/auth/access.guard';
import { AuthController } from './auth.controller';
import { IdentityService } from './identity.service';
import { OrganizationsController } from './organizations.controller';
import { OrganizationsService } from './organizations.service';

@Module({
  controllers: [AuthController, OrganizationsController],
  providers: [
    IdentityService,
    OrganizationsService,
    { provide: AccessDirectory, useExisting: IdentityService },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [IdentityService, OrganizationsService],
})
export class IdentityModule {}
