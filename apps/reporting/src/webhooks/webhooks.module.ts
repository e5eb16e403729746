import { Module } from '@nestjs/common';
import { COMMON_ENV } from '@casebridge/common';
import type { ReportingEnvironment } from '../config/reporting.environment';
import { WebhookActivation } from './webhook-activation';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookDispatcher } from './webhook-dispatcher.consumer';
import { WEBHOOK_SETTINGS, webhookSettings } from './webhook-settings';
import { WebhookSubscriptionsController } from './webhook-subscriptions.controller';
import { WebhookSubscriptionsRepository } from './webhook-subscriptions.repository';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

/**
 * Signed webhooks (docs/webhooks.md): the admin API, the dispatcher (its own consumer group,
 * queueing in the inbox transaction) and the delivery worker (from the database).
 */
@Module({
  controllers: [WebhookSubscriptionsController],
  providers: [
    {
      provide: WEBHOOK_SETTINGS,
      useFactory: (env: ReportingEnvironment) => webhookSettings(env),
      inject: [COMMON_ENV],
    },
    WebhookSubscriptionsRepository,
    WebhookDeliveriesRepository,
    WebhookSubscriptionsService,
    WebhookActivation,
    WebhookDispatcher,
    WebhookDeliveryWorker,
  ],
})
export class WebhooksModule {}
