import { parseImagePush, type ImagePush } from '../domain/image-push.ts';
import { ConfigLookups } from '../../config/index.ts';
import { deployLauncher, deploymentIdFor, pinnedImageUri, servicesTrackingPush } from '../../deploy/index.ts';
import { sharedDocumentClient } from '../../kernel/aws/clients.ts';
import { readTableNames } from '../../kernel/environment.ts';
import { defaultDependencies } from './dependencies.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/**
 * `ECR Image Action` (PUSH, SUCCESS) → the digest each tag points at, then one deploy request per service tracking the
 * repository and tag. A stale push (an older image of the tag) deploys nothing; a duplicate is requested again, which
 * is a no-op unless its deploy never started (a retried invocation). The services tracking the repository come from
 * their lookup items (one Query), not from reading every configuration.
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
  parse: (event) => ({ push: parseImagePush(event), receivedAt: new Date().toISOString() }),
  apply: async ({ push, receivedAt }) => {
    const outcome = await store.recordImagePush(push);
    if (outcome !== 'stale') await requestDeploys(push, receivedAt);
    return outcome;
  },
  store,
  logger,
});
