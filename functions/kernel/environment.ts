/** Settings every function reads from its environment, checked once at cold start with a clear message. */

export interface TableNames {
  /** Single table for all control-plane state (docs/decisions/0002-state-table-design.md). */
  state: string;
  /** Notification outbox; its stream feeds the notifiers. */
  outbox: string;
}

export function readTableNames(env: NodeJS.ProcessEnv): TableNames {
  return { state: requireSetting(env, 'STATE_TABLE'), outbox: requireSetting(env, 'OUTBOX_TABLE') };
}

export function requireSetting(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(`Environment variable ${name} is not set; it is defined in serverless.yml (provider.environment).`);
  }
  return value;
}
