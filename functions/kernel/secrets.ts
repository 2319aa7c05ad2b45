import { z } from 'zod';

/**
 * Secrets (Slack URLs and tokens, webhook signing secrets) are never written in harbormaster.yml or stored
 * configurations: a section names where the secret lives and the function that needs it reads it at run time.
 */
export const secretReferenceSchema = z.union([
  z.object({ ssmParameter: z.string().regex(/^\/?[A-Za-z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name (SecureString), e.g. /harbormaster/slack-url') }).strict(),
  z.object({ secretsManager: z.string().regex(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, 'must be a Secrets Manager secret name or ARN') }).strict(),
]);
export type SecretReference = z.infer<typeof secretReferenceSchema>;

/** Shapes that are secrets whatever field they sit in: a leaked one in a config repository is a leaked credential. */
const INLINE_SECRETS: Array<{ pattern: RegExp; what: string }> = [
  { pattern: /^https:\/\/hooks\.slack\.com\//, what: 'a Slack incoming-webhook URL' },
  { pattern: /^xox[abposr]-/, what: 'a Slack token' },
  { pattern: /^whsec_/, what: 'a webhook signing secret' },
  { pattern: /^(AKIA|ASIA)[A-Z0-9]{16}$/, what: 'an AWS access key id' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
];

/** What secret a value looks like, if it looks like one. */
export function inlineSecretKind(value: string): string | undefined {
  return INLINE_SECRETS.find(({ pattern }) => pattern.test(value))?.what;
}

export const INLINE_SECRET_ADVICE = 'store it in SSM Parameter Store (SecureString) or Secrets Manager and reference it by name: { ssmParameter: /name } or { secretsManager: name }';
