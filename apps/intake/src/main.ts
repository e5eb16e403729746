import 'reflect-metadata';
import { runService } from '@casebridge/common';
import { intakeService } from './service';

runService(intakeService);
