import { parseImageAction, type ImagePush } from '../domain/image-push.ts';
import { deploymentIdFor, pinnedImageUri, servicesTrackingPush } from '../../deploy/index.ts';
import { defaultDependencies } from './dependencies.ts';
import { deployDependencies } from '../../deploy/index.ts';
import { ingestionHandler } from '../../kernel/lambda/event-handler.ts';

/**
 * `ECR Image Action` (PUSH or DELETE, SUCCESS) → the digest each tag points at, or that it was deleted. A push then
 * requests one deploy per service tracking the repository and tag: a stale push (older than what the tag saw since)
 * deploys nothing; a duplicate is requested again, which is a no-op unless its deploy never started (a retried
 * invocation). A deletion only marks the tag: it never starts a deploy.
 */
const { store, logger } = defaultDependencies();
const { configs, launcher } = deployDependencies();

async function requestDeploys(push: ImagePush): Promise<void> {
  const tracking = (await configs.listServiceConfigs()).flatMap(({ config }) =>
    config.deploy ? [{ cluster: config.cluster, service: config.service, repository: config.deploy.image.repository, tagPattern: config.deploy.image.tagPattern }] : [],
  );
  const requestedAt = new Date().toISOString();
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
  parse: parseImageAction,
  apply: async (image) => {
    if (image.action === 'DELETE') return store.recordImageDeletion(image);
    const outcome = await store.recordImagePush(image);
    if (outcome !== 'stale') await requestDeploys(image);
    return outcome;
  },
  store,
  logger,
});
