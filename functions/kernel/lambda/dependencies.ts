import { Logger } from '@aws-lambda-powertools/logger';
import { sharedDocumentClient } from '../aws/clients.ts';
import { StateStore } from '../store/state-store.ts';
import { readTableNames } from '../environment.ts';

/** Built once per container at cold start; tests build their own with injected clients instead. */
export function defaultDependencies(): { store: StateStore; logger: Logger } {
  return {
    store: new StateStore(sharedDocumentClient(), readTableNames(process.env)),
    logger: new Logger({ serviceName: 'harbormaster' }),
  };
}
