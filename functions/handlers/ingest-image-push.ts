import { parseImagePush } from '../domain/image-push.ts';
import { defaultDependencies } from './shared/dependencies.ts';
import { ingestionHandler } from './shared/ingestion.ts';

/** `ECR Image Action` (PUSH, SUCCESS) → the digest each tag points at. */
const { store, logger } = defaultDependencies();

export const handler = ingestionHandler({ parse: parseImagePush, apply: (push) => store.recordImagePush(push), store, logger });
