import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles, type AuthUser } from '@casebridge/common';
import {
  CreateWebhookSubscriptionDto,
  ListDeliveriesQuery,
  UpdateWebhookSubscriptionDto,
} from './dto/webhook-subscription.dto';
import {
  CreatedWebhookSubscriptionResponse,
  ReplayedDeliveries,
  WebhookDeliveryDetailResponse,
  WebhookDeliveryPage,
  WebhookSubscriptionResponse,
} from './dto/webhook.response';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

const ID = { name: 'id', format: 'uuid', description: 'The subscription' } as const;
const DELIVERY_ID = { name: 'deliveryId', format: 'uuid', description: 'The delivery' } as const;

/** Signed webhooks for subscribers without Kafka (docs/webhooks.md). Administrators only. */
@ApiTags('webhooks')
@Roles('admin')
@ApiForbiddenResponse({ description: 'Administrators only' })
@Controller('v1/webhooks/subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly webhooks: WebhookSubscriptionsService) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook subscription',
    description:
      'Events of the listed types (and filters) are POSTed to the URL as signed CloudEvents from now on. The secret (given, or generated) is in this answer only; later answers show a hint.',
  })
  @ApiCreatedResponse({ type: CreatedWebhookSubscriptionResponse })
  @ApiBadRequestResponse({
    description: 'Invalid fields, or a URL refused: scheme, private address (problem+json)',
  })
  create(
    @CurrentUser() user: AuthUser,
    @Body() dto: CreateWebhookSubscriptionDto,
  ): Promise<CreatedWebhookSubscriptionResponse> {
    return this.webhooks.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List webhook subscriptions' })
  @ApiOkResponse({ type: WebhookSubscriptionResponse, isArray: true })
  list(): Promise<WebhookSubscriptionResponse[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Read a webhook subscription' })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookSubscriptionResponse })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  get(@Param('id') id: string): Promise<WebhookSubscriptionResponse> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change, pause or resume a webhook subscription',
    description:
      'Any of url, eventTypes, hostCountry and consulateId (null removes the filter), contentMode, secret (rotation), status. A paused subscription keeps queueing events and sends nothing; resumed, it sends them in order. Filters apply to events dispatched from then on.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookSubscriptionResponse })
  @ApiBadRequestResponse({ description: 'Invalid or no fields, or a URL refused' })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  update(
    @Param('id') id: string,
    @Body() dto: UpdateWebhookSubscriptionDto,
  ): Promise<WebhookSubscriptionResponse> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a webhook subscription with its queue and delivery log' })
  @ApiParam(ID)
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  delete(@Param('id') id: string): Promise<void> {
    return this.webhooks.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: "A subscription's delivery log, newest first",
    description:
      'Status (pending, delivered, parked), attempts, the last status code and a short error line of each delivery; heldBehind names the earlier delivery of the same case a pending one waits for.',
  })
  @ApiParam(ID)
  @ApiOkResponse({ type: WebhookDeliveryPage })
  @ApiBadRequestResponse({ description: 'Invalid id, status, limit or cursor' })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  deliveries(
    @Param('id') id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryPage> {
    return this.webhooks.deliveryLog(id, query);
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOperation({ summary: 'One delivery, with the event it carries' })
  @ApiParam(ID)
  @ApiParam(DELIVERY_ID)
  @ApiOkResponse({ type: WebhookDeliveryDetailResponse })
  @ApiBadRequestResponse({ description: 'An id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such subscription or delivery' })
  delivery(
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDetailResponse> {
    return this.webhooks.delivery(id, deliveryId);
  }

  @Post(':id/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again',
    description:
      'Queues it again, due now, with a fresh count of attempts and the same webhook-id (receivers that have it already may ignore it). Later deliveries of its case wait for it.',
  })
  @ApiParam(ID)
  @ApiParam(DELIVERY_ID)
  @ApiAcceptedResponse({ type: WebhookDeliveryDetailResponse })
  @ApiBadRequestResponse({ description: 'An id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such subscription or delivery' })
  @ApiConflictResponse({ description: 'An attempt of it is under way' })
  replay(
    @Param('id') id: string,
    @Param('deliveryId') deliveryId: string,
  ): Promise<WebhookDeliveryDetailResponse> {
    return this.webhooks.replay(id, deliveryId);
  }

  @Post(':id/deliveries/replay-parked')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send every parked delivery of a subscription again',
    description:
      'They are queued again in their original order; the deliveries held behind them follow, case by case.',
  })
  @ApiParam(ID)
  @ApiAcceptedResponse({ type: ReplayedDeliveries })
  @ApiBadRequestResponse({ description: 'id is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such subscription' })
  replayParked(@Param('id') id: string): Promise<ReplayedDeliveries> {
    return this.webhooks.replayParked(id);
  }
}
