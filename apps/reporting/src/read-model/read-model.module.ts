import { Module } from '@nestjs/common';
import { ReadModelWriter } from './read-model.writer';
import { ReportingEventsConsumer } from './reporting-events.consumer';

@Module({
  providers: [ReadModelWriter, ReportingEventsConsumer],
  exports: [ReadModelWriter],
})
export class ReadModelModule {}
