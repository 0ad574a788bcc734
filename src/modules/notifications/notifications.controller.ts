import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { AnyUser, OrganizationRoles } from '../../shared/auth/access.decorators';
import { CurrentUser } from '../../shared/auth/current-user.decorator';
import { type Page, PageQuery } from '../../shared/pagination/pagination';
import {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  NotificationResponse,
  type WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/notification.dto';
import { InboxService } from './inbox.service';
import { WebhooksService } from './webhooks.service';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('me/notifications')
export class InboxController {
  constructor(private readonly inbox: InboxService) {}

  @AnyUser()
  @Get()
  list(
    @CurrentUser() user: AuthenticatedUser,
    @Query() page: PageQuery,
  ): Promise<Page<NotificationResponse>> {
    return this.inbox.list(user.id, page);
  }

  @AnyUser()
  @Post(':notificationId/read')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationResponse })
  markRead(
    @CurrentUser() user: AuthenticatedUser,
    @Param('notificationId', ParseUUIDPipe) id: string,
  ): Promise<NotificationResponse> {
    return this.inbox.markRead(user.id, id);
  }
}

/** Who runs the organisation's systems: an association's manager, a buyer's agent. */
const WEBHOOK_ADMINS = ['manager', 'buyer_agent'] as const;

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('organizations/:id/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @OrganizationRoles(WEBHOOK_ADMINS)
  @Post()
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  create(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', ParseUUIDPipe) organizationId: string,
    @Body() request: CreateWebhookRequest,
  ): Promise<CreatedWebhookResponse> {
    return this.webhooks.create(organizationId, user.id, request);
  }

  @OrganizationRoles(WEBHOOK_ADMINS)
  @Get()
  list(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @Query() page: PageQuery,
  ): Promise<Page<WebhookResponse>> {
    return this.webhooks.list(organizationId, page);
  }

  /** A hook switched off after failing: on again, its failure count back to zero. */
  @OrganizationRoles(WEBHOOK_ADMINS)
  @Post(':wid/enable')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookResponse })
  enable(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @Param('wid', ParseUUIDPipe) webhookId: string,
  ): Promise<WebhookResponse> {
    return this.webhooks.enable(organizationId, webhookId);
  }

  @OrganizationRoles(WEBHOOK_ADMINS)
  @Get(':wid/deliveries')
  deliveries(
    @Param('id', ParseUUIDPipe) organizationId: string,
    @Param('wid', ParseUUIDPipe) webhookId: string,
    @Query() page: PageQuery,
  ): Promise<Page<WebhookDeliveryResponse>> {
    return this.webhooks.deliveries(organizationId, webhookId, page);
  }
}
