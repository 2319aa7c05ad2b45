/**
 * The control plane's notion of now, for code that compares it with times a clock outside it produced (a schedule's
 * scheduled time). HARBORMASTER_CLOCK_OFFSET_MS shifts it: only the local runtime sets it, when a test or npm start
 * advances its clock (local/runtime/clock.ts), so schedules fire, deadlines pass and timeouts expire without waiting.
 * Unset (as in AWS) it is the system clock.
 */
export function currentTime(env: NodeJS.ProcessEnv = process.env): Date {
  const offset = Number(env['HARBORMASTER_CLOCK_OFFSET_MS'] ?? 0);
  return new Date(Date.now() + (Number.isFinite(offset) ? offset : 0));
}
