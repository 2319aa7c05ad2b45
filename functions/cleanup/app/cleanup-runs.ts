import { randomUUID } from 'node:crypto';
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableNames } from '../../kernel/environment.ts';
import { CleanupStore, type RecordedCleanupRun } from '../adapters/cleanup-store.ts';
import type { CleanupRunInput } from '../config.ts';
import { familyReport, type FamilyReport } from '../domain/cleanup-report.ts';

/**
 * On-demand cleanup runs, as an operator starts them (`harbormaster cleanup plan|run`): start an execution of the
 * revision-cleanup state machine, wait for its end, and read what it recorded (the run summary, each family's record
 * and work batches) from the state table.
 */

export interface StartedRun {
  executionArn: string;
  executionName: string;
}

export type RunEnd =
  | { status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED'; executionName: string; startedAt: Date; error?: string; cause?: string }
  | { status: 'RUNNING' };

export interface CleanupRunReport {
  run: RecordedCleanupRun;
  /** Every family of the run, by name. */
  families: FamilyReport[];
}

export interface CleanupRunsDependencies {
  sfn: SFNClient;
  documents: DynamoDBDocumentClient;
  tables: TableNames;
  stateMachineArn: string;
}

/** Families read at once: each is one Query of its work batches. */
const FAMILY_READS_AT_ONCE = 8;

export class CleanupRuns {
  private readonly deps: CleanupRunsDependencies;
  private readonly store: CleanupStore;

  constructor(deps: CleanupRunsDependencies) {
    this.deps = deps;
    this.store = new CleanupStore(deps.documents, deps.tables);
  }

  /** Starts an on-demand run; `dryRun` overrides the configured one for this run only. */
  async start(options: { dryRun: boolean }): Promise<StartedRun> {
    const input: CleanupRunInput = { trigger: 'on-demand', dryRun: options.dryRun };
    const executionName = `on-demand-${options.dryRun ? 'plan' : 'run'}-${randomUUID()}`;
    const { executionArn } = await this.deps.sfn.send(new StartExecutionCommand({ stateMachineArn: this.deps.stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    if (!executionArn) throw new Error(`StartExecution of ${executionName} returned no execution ARN`);
    return { executionArn, executionName };
  }

  /** Polls the execution until it ends, or until `timeoutMs` passed (then it is still RUNNING). */
  async waitForEnd(executionArn: string, clock: { now: () => Date; sleep: (milliseconds: number) => Promise<void>; timeoutMs: number; pollMs: number }): Promise<RunEnd> {
    const deadline = clock.now().getTime() + clock.timeoutMs;
    for (;;) {
      const state = await this.state(executionArn);
      if (state.status !== 'RUNNING' || clock.now().getTime() >= deadline) return state;
      await clock.sleep(clock.pollMs);
    }
  }

  /** The execution's state: running, or how it ended. */
  async state(executionArn: string): Promise<RunEnd> {
    const execution = await this.deps.sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (execution.status === 'RUNNING' || execution.status === 'PENDING_REDRIVE' || !execution.status) return { status: 'RUNNING' };
    return {
      status: execution.status,
      executionName: execution.name ?? '',
      startedAt: execution.startDate ?? new Date(NaN),
      ...(execution.error ? { error: execution.error } : {}),
      ...(execution.cause ? { cause: execution.cause } : {}),
    };
  }

  /** What an ended run recorded; undefined when it recorded no summary (its last step never ran). */
  async report(end: { executionName: string; startedAt: Date }): Promise<CleanupRunReport | undefined> {
    const run = await this.store.findRun(end.executionName, end.startedAt);
    if (!run) return undefined;
    const { runId } = run;
    const records = [];
    for await (const record of this.store.familyRecords({ runId })) records.push(record);
    const families: FamilyReport[] = [];
    for (let start = 0; start < records.length; start += FAMILY_READS_AT_ONCE) {
      const group = records.slice(start, start + FAMILY_READS_AT_ONCE);
      families.push(...(await Promise.all(group.map(async (record) => familyReport(record, await this.store.familyWork(runId, record.family))))));
    }
    return { run, families: families.sort((a, b) => a.family.localeCompare(b.family)) };
  }
}
