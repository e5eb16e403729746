import 'reflect-metadata';
import { runService } from '@casebridge/common';
import { assignmentService } from './service';

runService(assignmentService);
