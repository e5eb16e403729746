import { Module } from '@nestjs/common';
import { CaseworkersController } from './caseworkers.controller';
import { ConsulatesController } from './consulates.controller';
import { DirectorySeeder } from './directory.seeder';
import { DirectoryService } from './directory.service';

@Module({
  controllers: [ConsulatesController, CaseworkersController],
  providers: [DirectoryService, DirectorySeeder],
  exports: [DirectoryService],
})
export class DirectoryModule {}
