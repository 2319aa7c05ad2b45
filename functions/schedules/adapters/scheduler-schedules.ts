import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  UpdateScheduleCommand,
  paginateListSchedules,
  type GetScheduleCommandOutput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { callAws, collectPages } from '../../kernel/aws/calls.ts';
import type { SchedulerSchedule } from '../domain/scheduler-schedule.ts';

/**
 * The stage's EventBridge Scheduler schedules, in its one group. Every write is idempotent: an upsert updates, or
 * creates when the schedule is not there (and updates after all when a concurrent create won); deleting a schedule
 * that is gone is done.
 */
export class SchedulerSchedules {
  private readonly client: SchedulerClient;
  readonly groupName: string;

  constructor(client: SchedulerClient, groupName: string) {
    this.client = client;
    this.groupName = groupName;
  }

  async get(name: string): Promise<GetScheduleCommandOutput | undefined> {
    try {
      return await this.client.send(new GetScheduleCommand({ GroupName: this.groupName, Name: name }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      return callAws(`GetSchedule ${this.groupName}/${name}`, () => Promise.reject(error));
    }
  }

  /** The names of every schedule in the group (all pages). */
  async names(): Promise<string[]> {
    const summaries = await collectPages(`ListSchedules in ${this.groupName}`, paginateListSchedules({ client: this.client }, { GroupName: this.groupName }), (page) => page.Schedules);
    return summaries.flatMap(({ Name }) => (Name ? [Name] : []));
  }

  async upsert(schedule: SchedulerSchedule): Promise<'created' | 'updated'> {
    const what = `deploy schedule ${this.groupName}/${schedule.Name}`;
    try {
      await this.client.send(new UpdateScheduleCommand(schedule));
      return 'updated';
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) return callAws(what, () => Promise.reject(error));
    }
    try {
      await this.client.send(new CreateScheduleCommand(schedule));
      return 'created';
    } catch (error) {
      if (!(error instanceof ConflictException)) return callAws(what, () => Promise.reject(error));
      await callAws(what, () => this.client.send(new UpdateScheduleCommand(schedule)));
      return 'updated';
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ GroupName: this.groupName, Name: name }));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      await callAws(`delete schedule ${this.groupName}/${name}`, () => Promise.reject(error));
    }
  }
}
