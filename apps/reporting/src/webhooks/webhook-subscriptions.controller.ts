import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiProblemResponses, CurrentUser, Roles, type AuthUser } from '@casebridge/common';
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
@ApiProblemResponses({ 403: 'Administrators only' })
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
  @ApiProblemResponses({
    400: 'Invalid fields (validation_failed), or a URL the rules refuse: scheme, credentials, an address not public (webhook_url_refused)',
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
  @ApiProblemResponses({
    400: 'id is not a UUID',
    404: 'No such subscription (webhook_subscription_not_found)',
  })
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
  @ApiProblemResponses({
    400: 'Invalid or no fields (validation_failed), or a URL the rules refuse (webhook_url_refused)',
    404: 'No such subscription (webhook_subscription_not_found)',
  })
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
  @ApiProblemResponses({
    400: 'id is not a UUID',
    404: 'No such subscription (webhook_subscription_not_found)',
  })
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
  @ApiProblemResponses({
    400: 'Invalid id, status, limit or cursor',
    404: 'No such subscription (webhook_subscription_not_found)',
  })
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
  @ApiProblemResponses({
    400: 'An id is not a UUID',
    404: 'No such subscription (webhook_subscription_not_found) or delivery (webhook_delivery_not_found)',
  })
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
  @ApiProblemResponses({
    400: 'An id is not a UUID',
    404: 'No such subscription (webhook_subscription_not_found) or delivery (webhook_delivery_not_found)',
    409: 'An attempt of it is under way (webhook_delivery_in_flight)',
  })
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
  @ApiProblemResponses({
    400: 'id is not a UUID',
    404: 'No such subscription (webhook_subscription_not_found)',
  })
  replayParked(@Param('id') id: string): Promise<ReplayedDeliveries> {
    return this.webhooks.replayParked(id);
  }
}
