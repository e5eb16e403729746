import 'reflect-metadata';
import { runService } from '@casebridge/common';
import { reportingService } from './service';

runService(reportingService);
