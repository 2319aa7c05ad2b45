import type { ConfigEntry } from '../../kernel/config-sections.ts';
import { inParallel } from '../../kernel/concurrency.ts';
import type { SectionStore } from '../../config/index.ts';
import type { ScheduleItems } from '../adapters/schedule-items.ts';
import type { SchedulerSchedules } from '../adapters/scheduler-schedules.ts';
import type { TaskDefinitionCheck } from '../adapters/task-definitions.ts';
import { parseSchedule } from '../config.ts';
import {
  effectivelySuspended,
  overrideAfterFile,
  overrideNote,
  schedulerDrift,
  schedulerScheduleOf,
  type ScheduleDeployment,
} from '../domain/scheduler-schedule.ts';
import type { Schedule } from '../domain/schedule.ts';

/**
 * The `schedules` section's store for plan and apply (docs/decisions/0017): each schedule is a configuration item
 * and an EventBridge Scheduler schedule in the stage's group. A put writes the item first, then the schedule; if the
 * Scheduler call fails, the item already says what is wanted, and the next plan shows the schedule as drifted (the
 * `scheduler` field) so the next apply deploys it again. A removal deletes the schedule first, then the item. A
 * schedule in the group with no item (left by a failed removal, or made by hand) is listed too, so prune removes it.
 */

/** Parallel GetSchedule calls while reading (Scheduler's API rate is per account). */
const READ_CONCURRENCY = 4;

export interface ScheduleSectionDependencies {
  items: ScheduleItems;
  scheduler: SchedulerSchedules;
  taskDefinitions: TaskDefinitionCheck;
  deployment: ScheduleDeployment;
  now?: () => Date;
}

export class ScheduleSection implements SectionStore {
  private readonly dependencies: ScheduleSectionDependencies;

  constructor(dependencies: ScheduleSectionDependencies) {
    this.dependencies = dependencies;
  }

  async read() {
    const { items, scheduler, deployment } = this.dependencies;
    const [stored, deployedNames] = await Promise.all([items.list(), scheduler.names()]);
    const entries = await inParallel(stored, READ_CONCURRENCY, async (entry) => {
      const desired = schedulerScheduleOf(entry.schedule, deployment, effectivelySuspended(entry.schedule, entry.override));
      const deployed = deployedNames.includes(entry.schedule.name) ? await scheduler.get(entry.schedule.name) : undefined;
      const drift = deployed === undefined ? 'missing from EventBridge Scheduler' : differing(schedulerDrift(desired, deployed));
      return {
        id: entry.schedule.name,
        label: entry.schedule.name,
        // A drifted schedule reads as its configuration plus a `scheduler` field the file never has: plan shows it
        // removed, and apply's put deploys the schedule again.
        value: drift === undefined ? entry.schedule : { ...entry.schedule, scheduler: drift },
        revision: entry.revision,
        ...(entry.override ? { notes: [overrideNote(entry.schedule.name, entry.override)] } : {}),
      };
    });
    const configured = new Set(stored.map(({ schedule }) => schedule.name));
    const orphans = deployedNames
      .filter((name) => !configured.has(name))
      .map((name) => ({ id: name, label: name, value: { scheduler: 'in EventBridge Scheduler without a stored configuration' }, revision: 0 }));
    return [...entries, ...orphans];
  }

  async put(change: { value?: unknown; revision: number }): Promise<void> {
    const { items, scheduler, deployment, now = () => new Date() } = this.dependencies;
    const schedule = parseSchedule(change.value);
    const current = change.revision === 0 ? undefined : await items.get(schedule.name);
    const override = overrideAfterFile(schedule, current?.override);
    await items.put(schedule, change.revision, current?.override, override, now());
    await scheduler.upsert(schedulerScheduleOf(schedule, deployment, effectivelySuspended(schedule, override)));
  }

  async remove(change: { id: string; revision: number }): Promise<void> {
    const { items, scheduler } = this.dependencies;
    const current = change.revision === 0 ? undefined : await items.get(change.id);
    if (change.revision !== 0 && current?.revision !== change.revision) {
      // Let the item's conditional delete name the conflict before anything is undeployed.
      await items.delete(change.id, change.revision);
      return;
    }
    await scheduler.delete(change.id);
    if (current) await items.delete(change.id, change.revision);
  }

  /** The task definitions only AWS can vouch for; followService is checked against the file (crossCheck). */
  async check(declared: readonly ConfigEntry[]): Promise<Map<string, string[]>> {
    const problems = new Map<string, string[]>();
    await inParallel(declared, READ_CONCURRENCY, async (entry) => {
      const { taskDefinition } = entry.value as Schedule;
      if ('followService' in taskDefinition) return;
      const problem = await this.dependencies.taskDefinitions.problem(taskDefinition);
      if (problem) problems.set(entry.id, [problem]);
    });
    return problems;
  }
}

function differing(fields: string[]): string | undefined {
  return fields.length === 0 ? undefined : `EventBridge Scheduler differs in ${fields.join(', ')}`;
}

