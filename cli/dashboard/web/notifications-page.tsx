import type { NotificationsView } from '../api.ts';
import { Age, DataTable, EmptyRow, StateBadge } from './common.tsx';
import { outcomeBadge, type Badge } from './view-model.ts';

const CHANNEL_BADGES: Record<NotificationsView['channels'][number]['state'], Badge> = {
  ok: { label: 'OK', tone: 'ok' },
  failing: { label: 'Failing', tone: 'bad' },
  disabled: { label: 'Disabled', tone: 'warn' },
  unused: { label: 'Unused', tone: 'muted' },
};

/** `#/notifications`: each channel's health and the newest deliveries. */
export function NotificationsPage({ view, now }: { view: NotificationsView; now: number }) {
  const channelHeaders = ['Channel', 'Type', 'State', 'Last success', 'Last failure', 'Last error'];
  const deliveryHeaders = ['Created', 'Channel', 'Announcement', 'Status', 'Attempts', 'Last answer'];
  return (
    <>
      <h1>Notifications</h1>
      <p class="lede">
        Observed <Age iso={view.observedAt} now={now} />
      </p>
      <DataTable caption="Channels" headers={channelHeaders}>
        {view.channels.length === 0 ? <EmptyRow columns={channelHeaders.length} text="No channels are configured (declare them under notifications: in harbormaster.yml)." /> : null}
        {view.channels.map((channel) => (
          <tr key={channel.name}>
            <th scope="row">{channel.name}</th>
            <td>{channel.type}</td>
            <td>
              <StateBadge badge={CHANNEL_BADGES[channel.state]} />
            </td>
            <td>
              <Age iso={channel.lastSuccessAt} now={now} />
            </td>
            <td>
              <Age iso={channel.lastFailureAt} now={now} />
            </td>
            <td>{channel.lastError ?? ''}</td>
          </tr>
        ))}
      </DataTable>
      <DataTable caption="Deliveries" headers={deliveryHeaders}>
        {view.deliveries.length === 0 ? <EmptyRow columns={deliveryHeaders.length} text="No deliveries yet." /> : null}
        {view.deliveries.map((delivery) => (
          <tr key={delivery.deliveryId}>
            <td>
              <Age iso={delivery.createdAt} now={now} />
            </td>
            <td>{delivery.channel}</td>
            <td class="mono">{delivery.announcementKind}</td>
            <td>
              <StateBadge badge={outcomeBadge(delivery.status)} />
            </td>
            <td class="num">{delivery.attempts}</td>
            <td>{[delivery.lastStatusCode !== undefined ? `HTTP ${delivery.lastStatusCode}` : '', delivery.lastError ?? ''].filter(Boolean).join(': ')}</td>
          </tr>
        ))}
      </DataTable>
    </>
  );
}
