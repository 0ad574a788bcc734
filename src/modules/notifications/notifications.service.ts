import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Outbox } from '../../shared/outbox/outbox.service';
import type { OutboxEvent } from '../../shared/outbox/outbox-event.entity';
import { InboxService } from './inbox.service';
import { WebhooksService } from './webhooks.service';

/** The one outbox subscriber of the module: every event goes to the inbox and the hooks. */
@Injectable()
export class NotificationsService implements OnModuleInit {
  constructor(
    private readonly outbox: Outbox,
    private readonly inbox: InboxService,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.webhooks.registerJobs();
    this.outbox.subscribeBatch((events) => this.handle(events));
  }

  /**
   * A relay batch at a time: the inbox rows in one statement, then the webhooks in the
   * events' order. Both steps are idempotent, so a failure of the second retries the whole
   * batch (the outbox job) without a second notification.
   */
  async handle(events: OutboxEvent[]): Promise<void> {
    await this.inbox.deliver(events);
    await this.webhooks.schedule(events);
  }
}
