import type { InitializeHandlerOptions, InitializeMiddleware } from '@smithy/types';

/**
 * Records the command name of every call an SDK client sends. Handlers run in the bench process and share the
 * client modules, so a counter on a shared client sees every call they make.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any client: its input/output types do not matter here
export function countCommands(client: { middlewareStack: { add(middleware: InitializeMiddleware<any, any>, options: InitializeHandlerOptions): void } }): string[] {
  const calls: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name: 'benchCallCounter' },
  );
  return calls;
}
