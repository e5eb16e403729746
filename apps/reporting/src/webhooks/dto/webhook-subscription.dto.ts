import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { CONSULATE_ID_PATTERN, COUNTRY_CODES, EventType, EventTypes } from '@casebridge/contracts';
import { PageQuery, TextLength } from '@casebridge/common';
import { CONTENT_MODES, type ContentMode } from '../cloud-event-request';
import { secretProblem } from '../webhook-signature';
import {
  DELIVERY_STATUSES,
  SUBSCRIPTION_STATUSES,
  type DeliveryStatus,
  type SubscriptionStatus,
} from '../webhook-subscription';

const EVENT_TYPES = Object.values(EventTypes);
export const MAX_URL_LENGTH = 2000;

/** A Standard Webhooks secret (`whsec_` and base64 of a 24–64 byte key). */
function IsWebhookSecret(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isWebhookSecret',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && secretProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          typeof args?.value === 'string'
            ? (secretProblem(args.value) ?? 'secret is invalid')
            : 'secret must be a string',
      },
    });
}

const COUNTRY_MESSAGE = 'hostCountry must be an ISO 3166-1 alpha-2 code such as RU, KZ, KR, TR, DE';
const CONSULATE_MESSAGE = 'consulateId must be 2–32 capital letters, digits or dashes, e.g. RU-MOW';
const TYPES_MESSAGE = `eventTypes must each be one of ${EVENT_TYPES.join(', ')}`;

export class CreateWebhookSubscriptionDto {
  @ApiProperty({
    example: 'https://partner.example/casebridge/webhooks',
    maxLength: MAX_URL_LENGTH,
    description:
      'Where deliveries are POSTed: https (http only where WEBHOOK_ALLOW_HTTP is set), a host whose every address is public (docs/webhooks.md#ssrf); no user name or password, no fragment',
  })
  @IsString()
  @TextLength(1, MAX_URL_LENGTH)
  url!: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: [EventTypes.CaseSubmitted] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique({ message: 'eventTypes must not list a type twice' })
  @IsIn(EVENT_TYPES, { each: true, message: TYPES_MESSAGE })
  eventTypes!: EventType[];

  @ApiPropertyOptional({
    example: 'RU',
    description: 'Only events of cases in this host country (ISO 3166-1 alpha-2)',
  })
  @IsOptional()
  @IsIn(COUNTRY_CODES, { message: COUNTRY_MESSAGE })
  hostCountry?: string;

  @ApiPropertyOptional({
    example: 'RU-MOW',
    description:
      'Only events of cases this consular office holds: events naming it (case.assigned, case.sla-breached), and the other events of cases last assigned to it',
  })
  @IsOptional()
  @Matches(CONSULATE_ID_PATTERN, { message: CONSULATE_MESSAGE })
  consulateId?: string;

  @ApiPropertyOptional({
    enum: CONTENT_MODES,
    default: 'binary',
    description:
      'CloudEvents HTTP content mode: binary (ce-* headers, the data as the JSON body) or structured (application/cloudevents+json)',
  })
  @IsOptional()
  @IsIn(CONTENT_MODES)
  contentMode?: ContentMode;

  @ApiPropertyOptional({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'Standard Webhooks secret: whsec_ and the base64 of a 24–64 byte key. Omitted: one is generated. Returned once, in this answer only',
  })
  @IsOptional()
  @IsWebhookSecret()
  secret?: string;

  @ApiPropertyOptional({ enum: SUBSCRIPTION_STATUSES, default: 'active' })
  @IsOptional()
  @IsIn(SUBSCRIPTION_STATUSES)
  status?: SubscriptionStatus;
}

export class UpdateWebhookSubscriptionDto {
  @ApiPropertyOptional({ maxLength: MAX_URL_LENGTH })
  @IsOptional()
  @IsString()
  @TextLength(1, MAX_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique({ message: 'eventTypes must not list a type twice' })
  @IsIn(EVENT_TYPES, { each: true, message: TYPES_MESSAGE })
  eventTypes?: EventType[];

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the filter' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsIn(COUNTRY_CODES, { message: COUNTRY_MESSAGE })
  hostCountry?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'null removes the filter' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @Matches(CONSULATE_ID_PATTERN, { message: CONSULATE_MESSAGE })
  consulateId?: string | null;

  @ApiPropertyOptional({ enum: CONTENT_MODES })
  @IsOptional()
  @IsIn(CONTENT_MODES)
  contentMode?: ContentMode;

  @ApiPropertyOptional({
    description: 'A new secret (rotation); the answer shows its hint only',
  })
  @IsOptional()
  @IsWebhookSecret()
  secret?: string;

  @ApiPropertyOptional({
    enum: SUBSCRIPTION_STATUSES,
    description:
      'paused: events are still queued, nothing is sent; active again: the queue is sent in order',
  })
  @IsOptional()
  @IsIn(SUBSCRIPTION_STATUSES)
  status?: SubscriptionStatus;
}

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}
