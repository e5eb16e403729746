import { Module } from '@nestjs/common';
import { CaseworkersController } from './caseworkers.controller';
import { CaseworkersRepository } from './caseworkers.repository';
import { ConsulatesController } from './consulates.controller';
import { ConsulatesRepository } from './consulates.repository';
import { DirectorySeeder } from './directory.seeder';
import { DirectoryService } from './directory.service';

/**
 * Consulates and caseworkers. Exports the directory's rules (DirectoryService: a named consulate
 * or caseworker exists) and its repositories, which routing, reassignment and transfer use to
 * read offices and to lock and count a caseworker's open cases in their own transactions.
 */
@Module({
  controllers: [ConsulatesController, CaseworkersController],
  providers: [ConsulatesRepository, CaseworkersRepository, DirectoryService, DirectorySeeder],
  exports: [DirectoryService, ConsulatesRepository, CaseworkersRepository],
})
export class DirectoryModule {}
