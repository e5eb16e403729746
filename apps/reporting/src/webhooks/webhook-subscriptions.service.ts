import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  ValidationProblem,
  type AuthUser,
} from '@casebridge/common';
import { DestinationPolicy, DestinationRefused } from './destination-policy';
import {
  CreateWebhookSubscriptionDto,
  ListDeliveriesQuery,
  UpdateWebhookSubscriptionDto,
} from './dto/webhook-subscription.dto';
import {
  CreatedWebhookSubscriptionResponse,
  ReplayedDeliveries,
  toDeliveryResponse,
  toSubscriptionResponse,
  WebhookDeliveryDetailResponse,
  WebhookDeliveryPage,
  WebhookSubscriptionResponse,
} from './dto/webhook.response';
import { WebhookActivation } from './webhook-activation';
import { generateSecret } from './webhook-signature';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import {
  SubscriptionChanges,
  WebhookSubscriptionsRepository,
} from './webhook-subscriptions.repository';
import { WebhookErrorCode, webhookErrors } from './webhooks.errors';
import { WEBHOOK_SETTINGS, type WebhookSettings } from './webhook-settings';
import type { WebhookSubscription } from './webhook-subscription';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The longest a registration waits for the URL's host name to resolve. */
const REGISTRATION_LOOKUP_MS = 5000;

function uuidParam(value: string, field: string): string {
  if (!UUID.test(value))
    throw new ValidationProblem(
      [{ field, message: `${field} must be a UUID` }],
      `Invalid ${field}.`,
    );
  return value.toLowerCase();
}

/** Webhook subscriptions and their delivery logs (administrators only: the controller says so). */
@Injectable()
export class WebhookSubscriptionsService {
  private readonly policy: DestinationPolicy;

  constructor(
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly activation: WebhookActivation,
    @Inject(WEBHOOK_SETTINGS) settings: WebhookSettings,
  ) {
    this.policy = new DestinationPolicy(settings.destinations);
  }

  async create(
    user: AuthUser,
    dto: CreateWebhookSubscriptionDto,
  ): Promise<CreatedWebhookSubscriptionResponse> {
    const url = await this.checkedUrl(dto.url);
    const secret = dto.secret ?? generateSecret();
    const created = await this.subscriptions.insert({
      id: randomUUID(),
      url,
      eventTypes: dto.eventTypes,
      hostCountry: dto.hostCountry ?? null,
      consulateId: dto.consulateId ?? null,
      contentMode: dto.contentMode ?? 'binary',
      secret,
      status: dto.status ?? 'active',
      createdBy: user.sub,
    });
    // This instance starts dispatching now; the others within a few seconds.
    this.activation.activate();
    return { ...toSubscriptionResponse(created), secret };
  }

  async list(): Promise<WebhookSubscriptionResponse[]> {
    return (await this.subscriptions.list()).map(toSubscriptionResponse);
  }

  async get(id: string): Promise<WebhookSubscriptionResponse> {
    return toSubscriptionResponse(await this.subscription(id));
  }

  async update(
    id: string,
    dto: UpdateWebhookSubscriptionDto,
  ): Promise<WebhookSubscriptionResponse> {
    const subscriptionId = uuidParam(id, 'id');
    const changes: SubscriptionChanges = {
      url: dto.url === undefined ? undefined : await this.checkedUrl(dto.url),
      eventTypes: dto.eventTypes,
      hostCountry: dto.hostCountry,
      consulateId: dto.consulateId,
      contentMode: dto.contentMode,
      secret: dto.secret,
      status: dto.status,
    };
    if (Object.values(changes).every((v) => v === undefined))
      throw new ValidationProblem(
        [{ field: 'body', message: 'name at least one field to change' }],
        'Nothing to change.',
      );
    const updated = await this.subscriptions.update(subscriptionId, changes);
    if (!updated) throw this.notFound();
    return toSubscriptionResponse(updated);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.subscriptions.delete(uuidParam(id, 'id')))) throw this.notFound();
  }

  async deliveryLog(id: string, query: ListDeliveriesQuery): Promise<WebhookDeliveryPage> {
    const subscription = await this.subscription(id);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const beforeSeq = query.cursor ? decodeCursor(query.cursor, ['serial'])[0] : undefined;
    const rows = await this.deliveries.list(subscription.id, {
      status: query.status,
      beforeSeq,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    return {
      items: page.map(toDeliveryResponse),
      nextCursor: rows.length > limit ? encodeCursor([page[page.length - 1].seq]) : null,
    };
  }

  async delivery(id: string, deliveryId: string): Promise<WebhookDeliveryDetailResponse> {
    const subscription = await this.subscription(id);
    const found = await this.deliveries.find(subscription.id, uuidParam(deliveryId, 'deliveryId'));
    if (!found)
      throw webhookErrors.problem(
        WebhookErrorCode.DeliveryNotFound,
        'This subscription has no delivery with this id.',
      );
    return { ...toDeliveryResponse(found), event: found.event };
  }

  async replay(id: string, deliveryId: string): Promise<WebhookDeliveryDetailResponse> {
    const subscription = await this.subscription(id);
    const delivery = uuidParam(deliveryId, 'deliveryId');
    if (!(await this.deliveries.replay(subscription.id, delivery))) {
      // Either there is no such delivery, or an attempt is under way.
      await this.delivery(subscription.id, delivery);
      throw webhookErrors.problem(
        WebhookErrorCode.DeliveryInFlight,
        'An attempt of this delivery is under way; replay it once its result is in the log.',
      );
    }
    return this.delivery(subscription.id, delivery);
  }

  async replayParked(id: string): Promise<ReplayedDeliveries> {
    const subscription = await this.subscription(id);
    return { replayed: await this.deliveries.replayParked(subscription.id) };
  }

  private async subscription(id: string): Promise<WebhookSubscription> {
    const found = await this.subscriptions.find(uuidParam(id, 'id'));
    if (!found) throw this.notFound();
    return found;
  }

  private notFound() {
    return webhookErrors.problem(
      WebhookErrorCode.SubscriptionNotFound,
      'No webhook subscription with this id exists.',
    );
  }

  /** The URL as it is kept (normalised), when the policy allows it and its addresses now. */
  private async checkedUrl(raw: string): Promise<string> {
    try {
      const url = await withTimeout(this.policy.check(raw), REGISTRATION_LOOKUP_MS);
      return url.toString();
    } catch (error) {
      if (!(error instanceof DestinationRefused)) throw error;
      throw webhookErrors.problem(
        WebhookErrorCode.UrlRefused,
        `The url is refused: ${error.message}.`,
        {
          errors: [{ field: 'url', message: error.message }],
        },
      );
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new DestinationRefused('unresolvable', `host name did not resolve within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
