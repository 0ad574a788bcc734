import type {
  NotificationResponse,
  WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/notification.dto';
import type { Notification } from './entities/notification.entity';
import type { WebhookDelivery } from './entities/webhook-delivery.entity';
import type { Webhook } from './entities/webhook.entity';

export function toNotificationResponse(notification: Notification): NotificationResponse {
  return {
    id: notification.id,
    eventId: notification.eventId,
    type: notification.type,
    organizationId: notification.organizationId,
    aggregateType: notification.aggregateType,
    aggregateId: notification.aggregateId,
    data: notification.data,
    occurredAt: notification.occurredAt.toISOString(),
    readAt: notification.readAt?.toISOString() ?? null,
    createdAt: notification.createdAt.toISOString(),
  };
}

export function toWebhookResponse(webhook: Webhook): WebhookResponse {
  return {
    id: webhook.id,
    organizationId: webhook.organizationId,
    url: webhook.url,
    events: webhook.events,
    active: webhook.active,
    disabledAt: webhook.disabledAt?.toISOString() ?? null,
    consecutiveFailedEvents: webhook.consecutiveFailedEvents,
    createdAt: webhook.createdAt.toISOString(),
  };
}

export function toWebhookDeliveryResponse(delivery: WebhookDelivery): WebhookDeliveryResponse {
  return {
    id: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    attempt: delivery.attempt,
    outcome: delivery.outcome,
    statusCode: delivery.statusCode,
    error: delivery.error,
    durationMs: delivery.durationMs,
    createdAt: delivery.createdAt.toISOString(),
  };
}
