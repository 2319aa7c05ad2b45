import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  paginateListTaskDefinitions,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { EcsFailure } from '../domain/cleanup-outcome.ts';
import { AwsCallError, EcsThrottledError } from '../../kernel/errors.ts';
import { callAws, collectPages } from '../../kernel/aws/calls.ts';
import { DELETE_BATCH_SIZE, inBatches, parseTaskDefinitionReference, type RevisionInfo, type RevisionStatus } from '../domain/revision-cleanup.ts';
import { inParallel } from '../../kernel/concurrency.ts';

export interface ListedRevision {
  revision: number;
  status: RevisionStatus;
  arn: string;
}

/** ListTaskDefinitionFamilies and ListTaskDefinitions answer at most 100 per page. */
const PAGE_SIZE = 100;
/** Parallel DescribeTaskDefinition calls per family: ECS allows bursts of ~20 reads, shared with the other families. */
const DESCRIBE_CONCURRENCY = 4;

/** Task-definition families and revisions in ECS: listing, reading ages, deregistering, deleting. */
export class TaskDefinitions {
  private readonly ecs: ECSClient;

  constructor(ecs: ECSClient) {
    this.ecs = ecs;
  }

  /** One page (at most 100) of the families with an ACTIVE or INACTIVE revision, and the token of the next. */
  async familyPage(nextToken: string | undefined): Promise<{ items: string[]; nextToken: string | undefined }> {
    const page = await callAws('ListTaskDefinitionFamilies', () => this.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ALL', maxResults: PAGE_SIZE, nextToken })));
    return { items: page.families ?? [], nextToken: page.nextToken };
  }

  /** ACTIVE and INACTIVE revisions of exactly this family (ECS treats `familyPrefix` as a prefix: `web` also lists `web-api`). */
  async listRevisions(family: string): Promise<ListedRevision[]> {
    const listed: ListedRevision[] = [];
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      const pages = paginateListTaskDefinitions({ client: this.ecs, pageSize: PAGE_SIZE }, { familyPrefix: family, status });
      for (const arn of await collectPages(`ListTaskDefinitions ${family} ${status}`, pages, (page) => page.taskDefinitionArns)) {
        const reference = parseTaskDefinitionReference(arn);
        if (reference?.family === family && reference.revision !== undefined) listed.push({ revision: reference.revision, status, arn });
      }
    }
    return listed;
  }

  /** Registration and deregistration times of the given revisions (one DescribeTaskDefinition each). */
  withAges(family: string, revisions: ListedRevision[]): Promise<RevisionInfo[]> {
    return inParallel(revisions, DESCRIBE_CONCURRENCY, async ({ revision, status }) => {
      const { taskDefinition } = await callAws(`DescribeTaskDefinition ${family}:${revision}`, () =>
        this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:${revision}` })),
      );
      return { revision, status, registeredAt: taskDefinition?.registeredAt?.toISOString(), deregisteredAt: taskDefinition?.deregisteredAt?.toISOString() };
    });
  }

  /**
   * Deregisters one by one (ECS has no batch call). A revision ECS refuses is reported, not thrown, so the rest
   * go on; throttling is thrown so Step Functions retries the batch (deregistering an INACTIVE revision again is harmless).
   */
  async deregister(taskDefinitions: string[]): Promise<EcsFailure[]> {
    const failures: EcsFailure[] = [];
    for (const taskDefinition of taskDefinitions) {
      try {
        await callAws(`DeregisterTaskDefinition ${taskDefinition}`, () => this.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition })));
      } catch (error) {
        if (error instanceof EcsThrottledError) throw error;
        failures.push({ arn: taskDefinition, reason: error instanceof AwsCallError && error.cause instanceof Error ? error.cause.message : String(error) });
      }
    }
    return failures;
  }

  /** Deletes INACTIVE revisions, 10 per DeleteTaskDefinitions call; refusals come back in `failures[]`, not as errors. */
  async delete(taskDefinitions: string[]): Promise<EcsFailure[]> {
    const failures: EcsFailure[] = [];
    for (const batch of inBatches(taskDefinitions, DELETE_BATCH_SIZE)) {
      const answer = await callAws(`DeleteTaskDefinitions ${batch[0]}…`, () => this.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch })));
      for (const failure of answer.failures ?? []) failures.push({ arn: failure.arn ?? '', reason: [failure.reason, failure.detail].filter(Boolean).join(': ') || 'no reason given' });
    }
    return failures;
  }
}
