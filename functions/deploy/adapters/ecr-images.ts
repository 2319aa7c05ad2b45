import { DescribeImagesCommand, ImageNotFoundException, RepositoryNotFoundException, type ECRClient, type ImageDetail } from '@aws-sdk/client-ecr';
import { pinnedImageUri } from '../domain/deploy-trigger.ts';
import { parseImageReference } from '../domain/image-reference.ts';

/**
 * Finds the image an operator names in the service's ECR repository and pins it by digest, as a push deploys it
 * (pinnedImageUri): a tag is resolved to the digest it points at now, so a later push of the same tag cannot change
 * what this deploy runs.
 */

export interface ResolvedImage {
  /** What the operator passed. */
  reference: string;
  repository: string;
  digest: string;
  /** The tag asked for, if a tag was. */
  tag?: string;
  /** Every tag the image carries now. */
  tags: string[];
  pushedAt?: string;
  /** What the deploy runs: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:…`. */
  uri: string;
}

/** Why an image cannot be deployed; `reason` lets a caller say what to do next. */
export class ImageResolutionError extends Error {
  override readonly name = 'ImageResolutionError';
  readonly reason: 'invalid' | 'not-found' | 'no-repository' | 'other-repository';

  constructor(reason: ImageResolutionError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export class EcrImages {
  private readonly ecr: ECRClient;

  constructor(ecr: ECRClient) {
    this.ecr = ecr;
  }

  /** The image `reference` names in `repository` (the service's deploy.image.repository), pinned by digest. */
  async resolve(repository: string, reference: string): Promise<ResolvedImage> {
    const parsed = parseImageReference(reference);
    if (parsed.kind === 'invalid') throw new ImageResolutionError('invalid', parsed.problem);
    if (parsed.repository !== undefined && parsed.repository !== repository) {
      throw new ImageResolutionError('other-repository', `${reference} is in repository ${parsed.repository}, but this service deploys images of ECR repository ${repository}`);
    }
    const imageId = parsed.kind === 'tag' ? { imageTag: parsed.tag } : { imageDigest: parsed.digest };
    const what = parsed.kind === 'tag' ? `tag ${parsed.tag}` : `digest ${parsed.digest}`;
    let detail: ImageDetail | undefined;
    try {
      detail = (await this.ecr.send(new DescribeImagesCommand({ repositoryName: repository, imageIds: [imageId] }))).imageDetails?.[0];
    } catch (error) {
      if (error instanceof RepositoryNotFoundException) throw new ImageResolutionError('no-repository', `ECR repository ${repository} does not exist`);
      if (!(error instanceof ImageNotFoundException)) throw error;
    }
    if (!detail?.imageDigest || !detail.registryId) throw new ImageResolutionError('not-found', `ECR repository ${repository} has no image with ${what}`);
    const region = await this.ecr.config.region();
    const uri = pinnedImageUri({ account: detail.registryId, region, repository, digest: detail.imageDigest });
    if (parsed.registry !== undefined && `${parsed.registry}/${repository}`.toLowerCase() !== uri.slice(0, uri.indexOf('@')).toLowerCase()) {
      throw new ImageResolutionError('other-repository', `${reference} is in registry ${parsed.registry}, but this service deploys images of ${uri.slice(0, uri.indexOf('@'))}`);
    }
    return {
      reference,
      repository,
      digest: detail.imageDigest,
      ...(parsed.kind === 'tag' ? { tag: parsed.tag } : {}),
      tags: detail.imageTags ?? [],
      ...(detail.imagePushedAt ? { pushedAt: detail.imagePushedAt.toISOString() } : {}),
      uri,
    };
  }
}
