import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeltaFolder } from './delta-folder';
import { LIVE_TABLES } from './read-model-tables';
import { ReadModelWriter } from './read-model.writer';

/** While its listener is disconnected (PostgreSQL restarting), the folder looks this often. */
const LIVE_SWEEP_MS = 2_000;

/** The live service's folder of the delta table into the aggregates (deltas.ts). */
@Injectable()
export class LiveDeltaFolder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveDeltaFolder.name);
  private folder?: DeltaFolder;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: ReadModelWriter,
  ) {}

  onApplicationBootstrap(): void {
    this.folder = new DeltaFolder({
      dataSource: this.dataSource,
      tables: LIVE_TABLES,
      writer: this.writer,
      warn: (message) => this.logger.warn(message),
      listen: true,
      sweepMs: LIVE_SWEEP_MS,
    });
    this.folder.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.folder?.close();
  }
}
