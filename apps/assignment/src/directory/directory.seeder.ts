import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { COMMON_ENV } from '@casebridge/common';
import type { AssignmentEnvironment } from '../config/assignment.environment';
import { ensureHeadquarters, seedDemoDirectory } from './seed-directory';

/**
 * Ensures the HQ desk and loads the demo directory at start-up, after the migrations and before the case-events
 * consumer starts routing (module init runs before application bootstrap), so that the first
 * cases of a fresh installation already find their offices.
 */
@Injectable()
export class DirectorySeeder implements OnModuleInit {
  private readonly logger = new Logger(DirectorySeeder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(COMMON_ENV) private readonly env: AssignmentEnvironment,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.env.seedsDemoDirectory()) {
      await ensureHeadquarters(this.dataSource);
      return;
    }
    const seeded = await this.dataSource.transaction(async (manager) => {
      await ensureHeadquarters(manager);
      return seedDemoDirectory(manager);
    });
    if (seeded.consulates > 0 || seeded.caseworkers > 0) {
      this.logger.log(
        `demo directory seeded: ${seeded.consulates} consulates, ${seeded.caseworkers} caseworkers`,
      );
    }
  }
}
