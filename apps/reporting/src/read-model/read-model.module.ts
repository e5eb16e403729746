import { Module } from '@nestjs/common';
import { ReadModelWriter } from './read-model.writer';
import { ReportingEventsConsumer } from './reporting-events.consumer';

@Module({
  controllers: [ReportingEventsConsumer],
  providers: [ReadModelWriter],
  exports: [ReadModelWriter],
})
export class ReadModelModule {}
