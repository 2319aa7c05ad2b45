/**
 * How many history events an execution of a state machine records, computed from its definition's structure
 * (Standard workflows, the path without retries). Used to prove that revision cleanup stays far below Step Functions'
 * 25,000-event limit for any account size, and checked against real executions on the local AWS
 * (test/integration/cleanup/history-bound.test.ts).
 *
 * Events per state, as Step Functions records them:
 *   Task (lambda:invoke, aws-sdk)   Entered, Scheduled, Started, Succeeded, Exited                        5
 *   Pass, Choice, Wait, Succeed     Entered, Exited                                                       2
 *   Fail                            Entered (the execution then ends failed)                              1
 *   Map, INLINE                     Entered, Started, per item (IterationStarted, …, IterationSucceeded), Succeeded, Exited
 *   Map, DISTRIBUTED                Entered, Started, MapRunStarted, MapRunSucceeded, Succeeded, Exited    6
 *                                   (each item is a child execution with its own history)
 * and ExecutionStarted + ExecutionSucceeded/Failed around them. A retry adds 3 (Failed, Scheduled, Started).
 */

export const HISTORY_EVENT_LIMIT = 25_000;

interface StateDefinition {
  Type: string;
  Next?: string;
  End?: boolean;
  ItemProcessor?: Workflow & { ProcessorConfig?: { Mode?: string } };
  Iterator?: Workflow;
}

export interface Workflow {
  StartAt: string;
  States: Record<string, StateDefinition>;
}

/** The path one execution (or one Map iteration) takes: where each Choice goes, how many items each inline Map has. */
export interface Walk {
  /** The state a Choice goes to on its n-th visit (0-based). */
  choose(state: string, visit: number): string;
  /** Items of an inline Map, and the walk of each of its iterations (all alike). */
  iterate?(state: string, visit: number): { items: number; walk: Walk };
}

const EVENTS_PER_STATE: Record<string, number> = { Task: 5, Pass: 2, Choice: 2, Wait: 2, Succeed: 2, Fail: 1 };
const MAX_STEPS = 10_000_000;

/** Events of one execution of `workflow` along `walk`. */
export function executionEvents(workflow: Workflow, walk: Walk): number {
  return 2 + pathEvents(workflow, walk);
}

/** Events of the states along a path (without the execution's own two). */
function pathEvents(workflow: Workflow, walk: Walk): number {
  const visits = new Map<string, number>();
  let events = 0;
  let name: string | undefined = workflow.StartAt;
  for (let steps = 0; name !== undefined; steps += 1) {
    if (steps === MAX_STEPS) throw new Error(`the walk does not leave its loop (at ${name})`);
    const state: StateDefinition | undefined = workflow.States[name];
    if (!state) throw new Error(`no state named ${name}`);
    const visit: number = visits.get(name) ?? 0;
    visits.set(name, visit + 1);
    events += stateEvents(name, state, visit, walk);
    if (state.Type === 'Fail' || state.Type === 'Succeed' || state.End) name = undefined;
    else name = state.Type === 'Choice' ? walk.choose(name, visit) : state.Next;
  }
  return events;
}

function stateEvents(name: string, state: StateDefinition, visit: number, walk: Walk): number {
  if (state.Type !== 'Map') {
    const events = EVENTS_PER_STATE[state.Type];
    if (events === undefined) throw new Error(`${name}: no event model for ${state.Type} states`);
    return events;
  }
  const processor = state.ItemProcessor ?? state.Iterator;
  if (!processor) throw new Error(`${name}: a Map without ItemProcessor`);
  if (state.ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED') return 6;
  if (!walk.iterate) throw new Error(`${name}: the walk says nothing about this inline Map's items`);
  const { items, walk: iteration } = walk.iterate(name, visit);
  return 4 + items * (2 + pathEvents(processor, iteration));
}

/** The workflow each child execution of a Distributed Map state runs. */
export function childWorkflow(workflow: Workflow, mapState: string): Workflow {
  const processor = workflow.States[mapState]?.ItemProcessor;
  if (processor?.ProcessorConfig?.Mode !== 'DISTRIBUTED') throw new Error(`${mapState} is not a Distributed Map state`);
  return processor;
}

/** A loop that takes `loopTo` on its first `times` visits and `exitTo` after. */
export const loop = (times: number, loopTo: string, exitTo: string) => (visit: number) => (visit < times ? loopTo : exitTo);

/** A walk through these Choice states only: a Choice the model does not know about is an error, not a guess. */
export function choices(byState: Record<string, (visit: number) => string>): Walk {
  return {
    choose(state, visit) {
      const choose = byState[state];
      if (!choose) throw new Error(`the model does not know where Choice ${state} goes`);
      return choose(visit);
    },
  };
}

/** The size of an account, as revision cleanup sees it. */
export interface AccountSize {
  clusters: number;
  families: number;
  /** Revisions one family's plan deregisters or deletes (distinct); the largest family decides the largest history. */
  removedPerFamily: number;
  dryRun: boolean;
}

/** AWS's page size for ListClusters and ListTaskDefinitionFamilies, and revisions per apply step (WORK_BATCH_SIZE). */
export const PAGE_SIZE = 100;
export const BATCH_SIZE = 100;

export interface CleanupHistory {
  /** The run's own execution. */
  parent: number;
  /** One child execution per cluster. */
  clusterChild: number;
  /** One child execution per family (the one removing `removedPerFamily` revisions). */
  familyChild: number;
  /** The largest history of any one execution: what the 25,000-event limit applies to. */
  largest: number;
  /** Every execution's events together (what a run costs in state transitions, roughly). */
  total: number;
}

/**
 * History events of a revision-cleanup run (functions/cleanup/revision-cleanup.asl.json) on an account of this size.
 * `pages` can be given as the listing answered them (the local AWS may answer in one page); AWS pages by 100.
 */
export function revisionCleanupHistory(definition: Workflow, size: AccountSize, pages = { clusters: pagesOf(size.clusters), families: pagesOf(size.families) }): CleanupHistory {
  const parent = executionEvents(
    definition,
    choices({ 'MoreClusters?': loop(pages.clusters - 1, 'ListClusters', 'GatherTargets'), 'MoreFamilies?': loop(pages.families - 1, 'ListFamilies', 'RecordRun') }),
  );
  const clusterChild = executionEvents(childWorkflow(definition, 'GatherClusters'), choices({}));
  const familyChild = familyChildEvents(definition, size.dryRun ? 0 : Math.ceil(size.removedPerFamily / BATCH_SIZE));
  const total = parent + size.clusters * clusterChild + size.families * familyChild;
  return { parent, clusterChild, familyChild, largest: Math.max(parent, clusterChild, familyChild), total };
}

/** One family's child execution that applies `batches` batches (0: a dry run, or nothing to remove). */
export function familyChildEvents(definition: Workflow, batches: number): number {
  return executionEvents(childWorkflow(definition, 'CleanFamilies'), choices({ 'Apply?': (visit) => (visit < batches ? 'ApplyBatch' : batches > 0 ? 'RecordFamily' : 'Planned') }));
}

/** An empty listing still answers one (empty) page. */
const pagesOf = (items: number) => Math.max(1, Math.ceil(items / PAGE_SIZE));
