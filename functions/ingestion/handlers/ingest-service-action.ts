import { parseServiceAction } from '../domain/service-events.ts';
import { defaultDependencies } from './dependencies.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/** `ECS Service Action` (steady state, placement failures, …) → the service's action history. */
const { store, logger } = defaultDependencies();

export const handler = ingestionHandler({ parse: parseServiceAction, apply: (action) => store.recordServiceAction(action), store, logger });
