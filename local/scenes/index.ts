import { alarmScaling } from './alarm-scaling.ts';
import { applyExample } from './apply-example.ts';
import { badImageRollback } from './bad-image-rollback.ts';
import { canaryAnalysis } from './canary-analysis.ts';
import { canaryDeploy } from './canary-deploy.ts';
import { ingestion } from './ingestion.ts';
import { notifications } from './notifications.ts';
import { revisionCleanup } from './revision-cleanup.ts';
import type { Scene } from './scene.ts';

/** What `npm start` shows, in order; other capabilities add their scene here. Cleanup comes last: it sees every family. */
export const SCENES: Scene[] = [applyExample, canaryDeploy, badImageRollback, canaryAnalysis, alarmScaling, ingestion, notifications, revisionCleanup];
