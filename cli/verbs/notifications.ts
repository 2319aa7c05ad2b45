import { Option, type Command } from 'commander';
import { DeliveryStore, FINAL_STATUSES, type ChannelView, type DeliveryRecord, type DeliveryStatus, type NotificationControls } from '../../functions/notify/index.ts';
import { CliError, EXIT } from '../errors.ts';
import { durationOption } from '../duration.ts';
import { parseCount } from '../option-values.ts';
import { printJson, renderTable, type Colours } from '../output.ts';
import { DELIVERY_STATUSES, newestDeliveries, notificationControls } from '../notifications.ts';
import type { Cli } from '../program.ts';

const MAX_LIMIT = 1000;
const POLL_MS = 1000;

export function register(program: Command, cli: Cli): void {
  const notifications = program.command('notifications').description('Slack and webhook notifications: channels and their health, deliveries, replays and tests.');
  notifications
    .command('channels')
    .description('Every channel in harbormaster.yml with its health: last success, last failure, disabled (a 410 Gone answer disables a channel until a test or replay reaches it).')
    .action(async (_options: unknown, command: Command) => {
      const channels = await (await controls(cli, command)).channels();
      if (cli.json(command)) return printJson(cli.io, { channels });
      if (channels.length === 0) return cli.io.out('No channels: declare them under notifications.channels in harbormaster.yml and apply it.\n');
      cli.io.out(renderChannels(channels, cli.colours(command)));
    });
  notifications
    .command('deliveries')
    .description('Deliveries newest first (one per announcement and channel): status, attempts, last answer.')
    .option('--channel <name>', 'only this channel')
    .addOption(new Option('--status <status>', 'only deliveries in this status').choices(DELIVERY_STATUSES))
    .option('--limit <n>', `how many (at most ${MAX_LIMIT})`, (text: string) => Math.min(parseCount(text), MAX_LIMIT), 20)
    .action(async (options: { channel?: string; status?: DeliveryStatus; limit: number }, command: Command) => {
      const session = cli.session(command);
      const control = await controls(cli, command);
      const deliveries = await session.call('read the deliveries', async () => {
        if (options.channel || options.status) return control.deliveries({ channel: options.channel, status: options.status, limit: options.limit });
        return newestDeliveries(control, options.limit);
      });
      if (cli.json(command)) return printJson(cli.io, { deliveries });
      cli.io.out(deliveries.length === 0 ? 'No deliveries.\n' : renderDeliveries(deliveries, cli.colours(command)));
    });
  notifications
    .command('replay')
    .argument('<id>', 'a delivery id (msg_…), from `notifications deliveries`')
    .description('Send a finished delivery (delivered, failed, dead or disabled) again, with the same webhook-id.')
    .option('--dry-run', 'say what would be sent again; change nothing')
    .action(async (id: string, options: { dryRun?: boolean }, command: Command) => {
      const answer = await (await controls(cli, command)).replay(id, { dryRun: options.dryRun === true });
      if (cli.json(command)) printJson(cli.io, answer);
      if ('refused' in answer) {
        if (!cli.json(command)) cli.io.err(`✗ ${answer.refused}\n`);
        return cli.exitWith(EXIT.failed);
      }
      if (!cli.json(command)) {
        const { delivery } = answer;
        cli.io.out(`${answer.replayed ? 'Replaying' : 'Would replay'} ${delivery.deliveryId}: ${delivery.announcementKind} ${delivery.announcementId} → ${delivery.channel} (was ${delivery.status})\n`);
      }
    });
  notifications
    .command('test')
    .argument('<channel>', 'a channel name under notifications.channels')
    .description('Send a test announcement to one channel through the whole pipeline and wait for its delivery; exits 1 unless delivered.')
    .option('--dry-run', 'print what would be sent (the Slack message or webhook payload); send nothing')
    .addOption(new Option('--timeout <duration>', 'stop waiting after this long (exit code 3)').argParser(durationOption).default(60_000, '60s'))
    .action(async (channel: string, options: { dryRun?: boolean; timeout: number }, command: Command) => {
      const session = cli.session(command);
      const stack = await session.stack();
      const control = await controls(cli, command);
      const answer = await session.call(`test channel ${channel}`, () => control.test(channel, { dryRun: options.dryRun === true }));
      if ('refused' in answer) throw new CliError(answer.refused);
      if (options.dryRun) {
        if (cli.json(command)) printJson(cli.io, answer);
        else cli.io.out(`Would send to ${channel} (delivery ${answer.deliveryId}):\n${JSON.stringify(answer.rendered, null, 2)}\n`);
        return;
      }
      const store = new DeliveryStore(session.documents, stack.tables.state);
      const deadline = cli.now().getTime() + options.timeout;
      let delivery: DeliveryRecord | undefined;
      for (;;) {
        delivery = await session.call('read the test delivery', () => store.getDelivery(answer.deliveryId));
        if (delivery && FINAL_STATUSES.includes(delivery.status)) break;
        if (cli.now().getTime() >= deadline) break;
        await cli.sleep(POLL_MS);
      }
      if (cli.json(command)) printJson(cli.io, { deliveryId: answer.deliveryId, delivery: delivery ?? null });
      const status = delivery?.status ?? 'not recorded yet';
      if (!delivery || !FINAL_STATUSES.includes(delivery.status)) {
        throw new CliError(`Test delivery ${answer.deliveryId} to ${channel} is ${status}`, { hint: `Follow it with \`harbormaster notifications deliveries --channel ${channel}\`.`, exitCode: EXIT.timedOut });
      }
      if (!cli.json(command)) cli.io.out(`${delivery.status === 'delivered' ? '✓' : '✗'} test delivery ${answer.deliveryId} to ${channel}: ${delivery.status}${delivery.lastError ? ` (${delivery.lastError})` : ''}\n`);
      if (delivery.status !== 'delivered') cli.exitWith(EXIT.failed);
    });
}

function controls(cli: Cli, command: Command): Promise<NotificationControls> {
  return notificationControls(cli.session(command), () => cli.now());
}

function renderChannels(channels: ChannelView[], colours: Colours): string {
  const state = (view: ChannelView) =>
    view.state === 'disabled' ? colours.red(`disabled ${view.health.disabledAt ?? ''}`) : view.state === 'failing' ? colours.yellow('failing') : view.state === 'ok' ? colours.green('ok') : 'unused';
  return renderTable(
    ['CHANNEL', 'TYPE', 'EVENTS', 'SERVICES', 'MIN', 'STATE', 'LAST SUCCESS', 'LAST FAILURE'],
    channels.map((view) => [
      view.name,
      view.type,
      view.route.events.join(','),
      view.route.services.join(','),
      view.route.minSeverity,
      state(view),
      view.health.lastSuccessAt ?? '-',
      view.health.lastFailureAt ? `${view.health.lastFailureAt} ${view.health.lastFailure ?? ''}`.slice(0, 120) : '-',
    ]),
  );
}

function renderDeliveries(deliveries: DeliveryRecord[], colours: Colours): string {
  const status = (value: DeliveryStatus) => (value === 'delivered' ? colours.green(value) : ['dead', 'failed', 'disabled'].includes(value) ? colours.red(value) : colours.yellow(value));
  return renderTable(
    ['DELIVERY', 'CHANNEL', 'KIND', 'STATUS', 'ATTEMPTS', 'UPDATED', 'LAST ANSWER'],
    deliveries.map((delivery) => [
      delivery.deliveryId,
      delivery.channel,
      delivery.announcementKind,
      status(delivery.status),
      delivery.attempts,
      delivery.updatedAt,
      (delivery.lastError ?? (delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : '-')).slice(0, 80),
    ]),
  );
}
