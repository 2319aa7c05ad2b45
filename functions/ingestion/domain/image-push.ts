import { MalformedEventError } from '../../kernel/errors.ts';
import { readEnvelope } from '../../kernel/envelope.ts';
import { readOptionalString, readString } from '../../kernel/validate.ts';

export const IMAGE_ACTION = { source: 'aws.ecr', detailType: 'ECR Image Action' } as const;

/** A successful push of an image to ECR, as the `ECR Image Action` event reports it. */
export interface ImagePush {
  repository: string;
  /** `sha256:<64 hex>`; deploys pin this, never the tag, so a later push cannot change what is being deployed. */
  digest: string;
  /** Absent for a push by digest only. */
  tag?: string;
  pushedAt: string;
  account: string;
  region: string;
  eventId: string;
}

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

export function parseImagePush(event: unknown): ImagePush {
  const envelope = readEnvelope(event, IMAGE_ACTION);
  const detail = envelope.detail;
  const actionType = readString(detail, 'action-type', 'detail');
  const result = readString(detail, 'result', 'detail');
  if (actionType !== 'PUSH' || result !== 'SUCCESS') {
    throw new MalformedEventError('detail', `must be a successful PUSH (got action-type ${actionType}, result ${result}); check the rule's pattern`);
  }
  const digest = readString(detail, 'image-digest', 'detail');
  if (!DIGEST_PATTERN.test(digest)) throw new MalformedEventError('detail.image-digest', `must be sha256:<64 hex digits> (got "${digest}")`);
  const push: ImagePush = {
    repository: readString(detail, 'repository-name', 'detail'),
    digest,
    pushedAt: envelope.time,
    account: envelope.account,
    region: envelope.region,
    eventId: envelope.id,
  };
  const tag = readOptionalString(detail, 'image-tag', 'detail');
  if (tag) push.tag = tag;
  return push;
}
