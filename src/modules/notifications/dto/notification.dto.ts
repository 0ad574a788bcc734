import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'the outbox event; the same in webhook deliveries' })
  eventId!: string;
  @ApiProperty({ example: 'offer.received' }) type!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) organizationId!: string | null;
  @ApiProperty({ example: 'lot' }) aggregateType!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) aggregateId!: string | null;
  @ApiProperty({
    description: 'identifiers only (lotId, offerId, dealId, ...): never prices or amounts',
    type: 'object',
    additionalProperties: { type: 'string' },
  })
  data!: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) readAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreateWebhookRequest {
  @ApiProperty({ example: 'https://erp.example.cl/ayllu/events' })
  @IsString()
  @MaxLength(2000)
  url!: string;

  @ApiProperty({ example: ['offer.received', 'deal.created'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  @Matches(/^[a-z][a-z_]*(\.[a-z_]+)+$/, { each: true, message: 'events must be event types' })
  events!: string[];
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String] }) events!: string[];
  @ApiProperty({ description: 'false once disabled: no event is sent to it any more' })
  active!: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    nullable: true,
    description: 'when it was disabled after too many consecutive failed events',
  })
  disabledAt!: string | null;
  @ApiProperty({
    description:
      'events in a row given up after every attempt failed; 0 after a success or re-enabling',
  })
  consecutiveFailedEvents!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({
    description: 'HMAC-SHA256 key of X-Ayllu-Signature; shown only in this response, store it now',
  })
  secret!: string;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ description: '1 for the first try' }) attempt!: number;
  @ApiProperty({ enum: ['succeeded', 'failed'] }) outcome!: 'succeeded' | 'failed';
  @ApiPropertyOptional({ nullable: true }) statusCode!: number | null;
  @ApiPropertyOptional({ nullable: true }) error!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
