import { ScheduleControls, ScheduleItems, SchedulerSchedules } from '../functions/schedules/index.ts';
import type { Session } from './session.ts';

/** The stage's schedule controls, as `harbormaster schedules` and the dashboard use them. */
export async function scheduleControls(session: Session): Promise<ScheduleControls> {
  const stack = await session.stack();
  return new ScheduleControls({
    items: new ScheduleItems(session.documents, stack.tables.state),
    scheduler: new SchedulerSchedules(session.scheduler, stack.schedules.groupName),
    sfn: session.sfn,
    deployment: stack.schedules,
  });
}
