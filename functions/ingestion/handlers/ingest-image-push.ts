import { parseImageAction, type ImagePush } from '../domain/image-push.ts';
import { ConfigLookups } from '../../config/index.ts';
import { deployLauncher, deploymentIdFor, pinnedImageUri, servicesTrackingPush } from '../../deploy/index.ts';
import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { defaultDependencies } from './dependencies.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/**
 * `ECR Image Action` (PUSH or DELETE, SUCCESS) → the digest each tag points at, or that it was deleted. A push then
 * requests one deploy per service tracking the repository and tag: a stale push (older than what the tag saw since)
 * deploys nothing; a duplicate is requested again, which is a no-op unless its deploy never started (a retried
 * invocation). A deletion only marks the tag: it never starts a deploy.
 * The services tracking the repository come from their lookup items (one Query), not from reading every configuration.
 */
const { store, logger } = defaultDependencies();
const { launcher } = deployLauncher();
const lookups = new ConfigLookups(sharedDocumentClient(), readTableNames(process.env).state);

/** `requestedAt` orders pushes of the same second (deployRequestIsNewer), so it is read on arrival, before any I/O. */
async function requestDeploys(push: ImagePush, requestedAt: string): Promise<void> {
  const tracking = await lookups.servicesTrackingRepository(push.repository);
  for (const target of servicesTrackingPush(tracking, push)) {
    const image = pinnedImageUri(push);
    const outcome = await launcher.request({
      deploymentId: deploymentIdFor({ cluster: target.cluster, service: target.service, image }),
      cluster: target.cluster,
      service: target.service,
      image,
      digest: push.digest,
      repository: push.repository,
      ...(push.tag ? { tag: push.tag } : {}),
      trigger: 'image-push',
      pushedAt: push.pushedAt,
      requestedAt,
    });
    logger.info('Deploy requested', { cluster: target.cluster, service: target.service, digest: push.digest, outcome });
  }
}

export const handler = ingestionHandler({
  parse: (event) => ({ image: parseImageAction(event), receivedAt: new Date().toISOString() }),
  apply: async ({ image, receivedAt }) => {
    if (image.action === 'DELETE') return store.recordImageDeletion(image);
    const outcome = await store.recordImagePush(image);
    if (outcome !== 'stale') await requestDeploys(image, receivedAt);
    return outcome;
  },
  store,
  logger,
});
