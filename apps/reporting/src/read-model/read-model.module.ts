import { Module } from '@nestjs/common';
import { LiveDeltaFolder } from './live-delta-folder';
import { ReadModelWriter } from './read-model.writer';
import { ReportingEventsConsumer } from './reporting-events.consumer';

@Module({
  controllers: [ReportingEventsConsumer],
  providers: [ReadModelWriter, LiveDeltaFolder],
  exports: [ReadModelWriter],
})
export class ReadModelModule {}
