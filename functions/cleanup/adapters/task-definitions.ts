import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  paginateListTaskDefinitionFamilies,
  paginateListTaskDefinitions,
  type ECSClient,
} from '@aws-sdk/client-ecs';
import type { EcsFailure } from '../domain/cleanup-outcome.ts';
import { AwsCallError, EcsThrottledError } from '../../kernel/errors.ts';
import { callAws, collectPages } from '../../kernel/aws/calls.ts';
import { parseTaskDefinitionReference, type RevisionInfo, type RevisionStatus } from '../domain/revision-cleanup.ts';

export interface ListedRevision {
  revision: number;
  status: RevisionStatus;
  arn: string;
}

/** Parallel DescribeTaskDefinition calls per family: ECS allows bursts of ~20 reads, shared with the other families. */
const DESCRIBE_CONCURRENCY = 4;

/** Task-definition families and revisions in ECS: listing, reading ages, deregistering. */
export class TaskDefinitions {
  private readonly ecs: ECSClient;

  constructor(ecs: ECSClient) {
    this.ecs = ecs;
  }

  /** Every family with at least one ACTIVE or INACTIVE revision. */
  listFamilies(): Promise<string[]> {
    return collectPages('ListTaskDefinitionFamilies', paginateListTaskDefinitionFamilies({ client: this.ecs }, { status: 'ALL' }), (page) => page.families);
  }

  /** ACTIVE and INACTIVE revisions of exactly this family (ECS treats `familyPrefix` as a prefix: `web` also lists `web-api`). */
  async listRevisions(family: string): Promise<ListedRevision[]> {
    const listed: ListedRevision[] = [];
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      const pages = paginateListTaskDefinitions({ client: this.ecs }, { familyPrefix: family, status });
      for (const arn of await collectPages(`ListTaskDefinitions ${family} ${status}`, pages, (page) => page.taskDefinitionArns)) {
        const reference = parseTaskDefinitionReference(arn);
        if (reference?.family === family && reference.revision !== undefined) listed.push({ revision: reference.revision, status, arn });
      }
    }
    return listed;
  }

  /** Registration and deregistration times of the given revisions (one DescribeTaskDefinition each). */
  async withAges(family: string, revisions: ListedRevision[]): Promise<RevisionInfo[]> {
    const described: RevisionInfo[] = [];
    for (let start = 0; start < revisions.length; start += DESCRIBE_CONCURRENCY) {
      const slice = revisions.slice(start, start + DESCRIBE_CONCURRENCY);
      described.push(
        ...(await Promise.all(
          slice.map(async ({ revision, status }) => {
            const { taskDefinition } = await callAws(`DescribeTaskDefinition ${family}:${revision}`, () =>
              this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: `${family}:${revision}` })),
            );
            return { revision, status, registeredAt: taskDefinition?.registeredAt?.toISOString(), deregisteredAt: taskDefinition?.deregisteredAt?.toISOString() };
          }),
        )),
      );
    }
    return described;
  }

  /**
   * Deregisters one by one (ECS has no batch call). A revision ECS refuses is reported, not thrown, so the rest
   * go on; throttling is thrown so Step Functions retries the batch (deregistering an INACTIVE revision again is harmless).
   */
  async deregister(arns: string[]): Promise<{ deregistered: string[]; failures: EcsFailure[] }> {
    const deregistered: string[] = [];
    const failures: EcsFailure[] = [];
    for (const arn of arns) {
      try {
        await callAws(`DeregisterTaskDefinition ${arn}`, () => this.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn })));
        deregistered.push(arn);
      } catch (error) {
        if (error instanceof EcsThrottledError) throw error;
        failures.push({ arn, reason: error instanceof AwsCallError && error.cause instanceof Error ? error.cause.message : String(error) });
      }
    }
    return { deregistered, failures };
  }
}
