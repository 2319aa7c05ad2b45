import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretReference } from '../../kernel/secrets.ts';

/**
 * Secrets the notifier needs (Slack URLs and tokens, webhook URLs, signing secrets), read with Powertools parameters
 * and cached for a few minutes per container: a burst of deliveries reads each once. Values are never logged or put
 * into an error message; a missing secret is named by its reference, which is not secret.
 */

/** The secret does not exist (or is empty): a configuration mistake, not worth retrying. */
export class SecretNotFoundError extends Error {
  override readonly name = 'SecretNotFoundError';
}

export interface SecretSource {
  read(reference: SecretReference): Promise<string>;
}

export const SECRET_CACHE_SECONDS = 300;

export class PowertoolsSecrets implements SecretSource {
  private readonly ssm: SSMProvider;
  private readonly secrets: SecretsProvider;

  constructor(providers: { ssm?: SSMProvider; secrets?: SecretsProvider } = {}) {
    this.ssm = providers.ssm ?? new SSMProvider();
    this.secrets = providers.secrets ?? new SecretsProvider();
  }

  async read(reference: SecretReference): Promise<string> {
    const where = 'ssmParameter' in reference ? `SSM parameter ${reference.ssmParameter}` : `Secrets Manager secret ${reference.secretsManager}`;
    let value: unknown;
    try {
      value =
        'ssmParameter' in reference
          ? await this.ssm.get(reference.ssmParameter, { decrypt: true, maxAge: SECRET_CACHE_SECONDS })
          : await this.secrets.get(reference.secretsManager, { maxAge: SECRET_CACHE_SECONDS });
    } catch (error) {
      const name = (error as { name?: string; cause?: { name?: string } }).cause?.name ?? (error as { name?: string }).name ?? '';
      if (/ParameterNotFound|ResourceNotFound/.test(name) || /ParameterNotFound|ResourceNotFound/.test(String((error as Error).message))) {
        throw new SecretNotFoundError(`${where} does not exist`);
      }
      // The SDK's message names the call, never the value; the cause is kept out of logs all the same.
      throw new Error(`Could not read ${where}: ${name || 'error'}`);
    }
    if (typeof value !== 'string' || value.trim() === '') throw new SecretNotFoundError(`${where} is empty`);
    return value.trim();
  }
}
