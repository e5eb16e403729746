import { errorCatalogue } from '@casebridge/common';

/** Every error the webhook API raises, with its problem+json status and title. */
export enum WebhookErrorCode {
  SubscriptionNotFound = 'webhook_subscription_not_found',
  DeliveryNotFound = 'webhook_delivery_not_found',
  /** The URL's scheme, form or addresses are not allowed (docs/webhooks.md#ssrf). */
  UrlRefused = 'webhook_url_refused',
  /** The delivery is being sent at this moment; replay it once the attempt is recorded. */
  DeliveryInFlight = 'webhook_delivery_in_flight',
}

export const webhookErrors = errorCatalogue<WebhookErrorCode>({
  [WebhookErrorCode.SubscriptionNotFound]: { status: 404, title: 'Not found' },
  [WebhookErrorCode.DeliveryNotFound]: { status: 404, title: 'Not found' },
  [WebhookErrorCode.UrlRefused]: { status: 400, title: 'Webhook URL refused' },
  [WebhookErrorCode.DeliveryInFlight]: { status: 409, title: 'Conflict' },
});
