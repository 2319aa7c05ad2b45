import { Logger } from '@aws-lambda-powertools/logger';
import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { StateStore } from '../adapters/state-store.ts';
import { readTableNames } from '../../kernel/environment.ts';

/** Built once per container at cold start; tests build their own with injected clients instead. */
export function defaultDependencies(): { store: StateStore; logger: Logger } {
  return {
    store: new StateStore(sharedDocumentClient(), readTableNames(process.env)),
    logger: new Logger({ serviceName: 'harbormaster' }),
  };
}
