import { createHash } from 'node:crypto';
import type { ImagePush } from '../../ingestion/domain/image-push.ts';

/**
 * Which services an image push deploys, what exactly they deploy (the digest, never the tag), and under which name:
 * the deployment id doubles as the Step Functions execution name, so a redelivered push cannot start a second deploy.
 */

/** ECR tag patterns: `*` matches any run of characters, everything else matches itself. */
export function tagMatches(pattern: string, tag: string | undefined): boolean {
  if (tag === undefined) return false;
  const expression = pattern.split('*').map(escapeRegExp).join('.*');
  return new RegExp(`^${expression}$`).test(tag);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface TrackedImage {
  cluster: string;
  service: string;
  repository: string;
  tagPattern: string;
}

export function servicesTrackingPush<T extends TrackedImage>(tracked: T[], push: Pick<ImagePush, 'repository' | 'tag'>): T[] {
  return tracked.filter((candidate) => candidate.repository === push.repository && tagMatches(candidate.tagPattern, push.tag));
}

/** The image reference a deploy pins: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:…`. */
export function pinnedImageUri(push: Pick<ImagePush, 'account' | 'region' | 'repository' | 'digest'>): string {
  const domain = push.region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${push.account}.dkr.ecr.${push.region}.${domain}/${push.repository}@${push.digest}`;
}

/**
 * `<service, ≤40 chars>-<16 hex>`: readable, within the 80-character execution-name limit, and the same for the same
 * service and digest. Operator-started deploys add their request id, so deploying an image again is possible.
 */
export function deploymentIdFor(target: { cluster: string; service: string; image: string; requestId?: string }): string {
  const hash = createHash('sha256')
    .update([target.cluster, target.service, target.image, target.requestId ?? ''].join('\n'))
    .digest('hex')
    .slice(0, 16);
  return `${target.service.slice(0, 40)}-${hash}`;
}
