import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { InboxController, WebhooksController } from './notifications.controller';
import { InboxService } from './inbox.service';
import { NotificationsService } from './notifications.service';
import { WebhooksService } from './webhooks.service';

/**
 * Tells people and systems what happened: every outbox event goes to the in-app inbox of
 * its audience (domain/audience.ts) and, signed, to the webhooks of the same organisations.
 * It reads other modules' events only, never their services.
 */
@Module({
  imports: [IdentityModule],
  controllers: [InboxController, WebhooksController],
  providers: [InboxService, WebhooksService, NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
