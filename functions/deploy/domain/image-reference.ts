/**
 * What an operator names to deploy (`harbormaster deploy --image`): a tag (`v1.2`, `web:v1.2`), a digest
 * (`sha256:…`), or a reference pinned by digest (`web@sha256:…`, `<account>.dkr.ecr.<region>.amazonaws.com/web@sha256:…`).
 * Pure: the ECR adapter (adapters/ecr-images.ts) looks it up in the service's repository.
 */

export type ImageReference = {
  /** Where the reference says the image is; absent for a bare tag or digest (the service's repository then). */
  registry?: string;
  repository?: string;
} & ({ kind: 'tag'; tag: string } | { kind: 'digest'; digest: string });

const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;
/** Docker's tag grammar, which ECR enforces. */
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ACCEPTED = 'a tag (v1.2), a digest (sha256:<64 hex>), or a reference pinned by digest (web@sha256:…)';

export function parseImageReference(text: string): ImageReference | { kind: 'invalid'; problem: string } {
  const reference = text.trim();
  const invalid = (problem: string) => ({ kind: 'invalid' as const, problem: `${problem}; pass ${ACCEPTED}` });
  if (DIGEST_PATTERN.test(reference)) return { kind: 'digest', digest: reference };
  if (reference.startsWith('sha256:')) return invalid(`${reference} is not a digest (sha256: and 64 lower-case hex digits)`);
  const at = reference.lastIndexOf('@');
  const name = at >= 0 ? reference.slice(0, at) : reference;
  const digest = at >= 0 ? reference.slice(at + 1) : undefined;
  if (digest !== undefined && !DIGEST_PATTERN.test(digest)) return invalid(`${digest} after @ is not a digest (sha256: and 64 lower-case hex digits)`);
  if (digest === undefined && TAG_PATTERN.test(name)) return { kind: 'tag', tag: name };
  // [registry/]repository[:tag]: the first path part is a registry when it looks like a host (Docker's rule).
  const slash = name.indexOf('/');
  const first = slash > 0 ? name.slice(0, slash) : '';
  const registry = first !== '' && (/[.:]/.test(first) || first === 'localhost') ? first : undefined;
  const path = registry ? name.slice(slash + 1) : name;
  const colon = path.lastIndexOf(':');
  const repository = colon >= 0 ? path.slice(0, colon) : path;
  const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
  if (repository === '') return invalid(`${reference} names no repository`);
  const where = { ...(registry ? { registry } : {}), repository };
  // With a digest, a tag beside it (web:v1@sha256:…) is only a label: the digest is what deploys, as for Docker.
  if (digest !== undefined) return { kind: 'digest', digest, ...where };
  if (tag === undefined) return invalid(path.includes('/') ? `${reference} names a repository but no tag` : `${reference} is not a valid tag`);
  if (!TAG_PATTERN.test(tag)) return invalid(`${tag} is not a valid tag`);
  return { kind: 'tag', tag, ...where };
}
