import { MalformedEventError } from '../../kernel/errors.ts';
import { readEnvelope, type EventEnvelope } from '../../kernel/envelope.ts';
import { preview, readKeyString, readOptionalKeyString, readString } from '../../kernel/validate.ts';

export const IMAGE_ACTION = { source: 'aws.ecr', detailType: 'ECR Image Action' } as const;

/** A successful push of an image to ECR, as the `ECR Image Action` event reports it. */
export interface ImagePush {
  action: 'PUSH';
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

/** A successful deletion of an image (or of one of its tags) from ECR: the tag no longer points anywhere. */
export interface ImageDeletion {
  action: 'DELETE';
  repository: string;
  /** The deleted image. Only compared, never deployed, so any digest ECR reports is accepted. */
  digest: string;
  /** Absent when an untagged image was deleted. */
  tag?: string;
  deletedAt: string;
  account: string;
  region: string;
  eventId: string;
}

export type ImageAction = ImagePush | ImageDeletion;

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
const ACTIONS = ['PUSH', 'DELETE'] as const;

/**
 * Reads a successful PUSH or DELETE. Scan and replication results, and failed actions, are not for this function
 * (the rule routes only these), so they are malformed here.
 */
export function parseImageAction(event: unknown): ImageAction {
  const envelope = readEnvelope(event, IMAGE_ACTION);
  const detail = envelope.detail;
  const actionType = readString(detail, 'action-type', 'detail');
  const result = readString(detail, 'result', 'detail');
  if (!(ACTIONS as readonly string[]).includes(actionType) || result !== 'SUCCESS') {
    throw new MalformedEventError(
      'detail',
      `must be a successful PUSH or DELETE (got action-type ${preview(actionType)}, result ${preview(result)}); check the rule's pattern`,
    );
  }
  const repository = readKeyString(detail, 'repository-name', 'detail');
  const digest = readKeyString(detail, 'image-digest', 'detail');
  const tag = readOptionalKeyString(detail, 'image-tag', 'detail') || undefined;
  return actionType === 'PUSH' ? push(envelope, repository, digest, tag) : deletion(envelope, repository, digest, tag);
}

function push(envelope: EventEnvelope, repository: string, digest: string, tag: string | undefined): ImagePush {
  if (!DIGEST_PATTERN.test(digest)) throw new MalformedEventError('detail.image-digest', `must be sha256:<64 hex digits> (got ${preview(digest)})`);
  const pushed: ImagePush = { action: 'PUSH', repository, digest, pushedAt: envelope.time, account: envelope.account, region: envelope.region, eventId: envelope.id };
  if (tag) pushed.tag = tag;
  return pushed;
}

function deletion(envelope: EventEnvelope, repository: string, digest: string, tag: string | undefined): ImageDeletion {
  const deleted: ImageDeletion = { action: 'DELETE', repository, digest, deletedAt: envelope.time, account: envelope.account, region: envelope.region, eventId: envelope.id };
  if (tag) deleted.tag = tag;
  return deleted;
}
