import type { ServiceStatus } from '../../../functions/deploy/domain/service-status.ts';
import type { Overview } from '../api.ts';
import { Age, Code, DataTable, EmptyRow, StateBadge } from './common.tsx';
import { routeHref } from './routes.ts';
import { deploySummary, healthBadge, outcomeBadge, sortServices } from './view-model.ts';

const HEADERS = ['Service', 'Live image', 'Deploy in flight', 'Health', 'Last scaling'];

/** `#/`: one row per service, the ones needing attention first. */
export function OverviewPage({ overview, now }: { overview: Overview; now: number }) {
  return (
    <>
      <h1>Services</h1>
      <p class="lede">
        Stage <Code>{overview.stage}</Code> · observed <Age iso={overview.observedAt} now={now} />
      </p>
      <DataTable caption="Services" captionClass="visually-hidden" headers={HEADERS}>
        {overview.services.length === 0 ? <EmptyRow columns={HEADERS.length} text="No services are configured in this stage (declare them in harbormaster.yml and apply)." /> : null}
        {sortServices(overview.services).map((service) => (
          <ServiceRow key={service.name} service={service} now={now} />
        ))}
      </DataTable>
    </>
  );
}

function ServiceRow({ service, now }: { service: ServiceStatus; now: number }) {
  const deploy = deploySummary(service);
  return (
    <tr>
      <th scope="row">
        <a href={routeHref({ page: 'service', name: service.name })}>{service.name}</a>
        <div class="sub mono">
          {service.cluster}/{service.service}
        </div>
      </th>
      <td>{service.live ? <LiveImage service={service} /> : <span class="muted">—</span>}</td>
      <td>
        {deploy ? (
          <>
            <StateBadge badge={outcomeBadge(service.deploy?.status ?? 'QUEUED')} /> <span>{deploy}</span>
            {service.deploy ? <div class="sub">green {service.deploy.greenWeight}% · blue {100 - service.deploy.greenWeight}%</div> : null}
          </>
        ) : (
          <span class="muted">None</span>
        )}
      </td>
      <td>
        <StateBadge badge={healthBadge(service)} />
        {service.problems.length > 0 ? <div class="sub">{service.problems.join('; ')}</div> : null}
      </td>
      <td>
        {service.lastScaling ? (
          <>
            <StateBadge badge={outcomeBadge(service.lastScaling.outcome)} />{' '}
            {service.lastScaling.toCapacity !== undefined ? `${service.lastScaling.fromCapacity ?? '?'} → ${service.lastScaling.toCapacity}` : ''}
            <div class="sub">
              <Age iso={service.lastScaling.at} now={now} /> · {service.lastScaling.alarmName}
            </div>
          </>
        ) : (
          <span class="muted">None recorded</span>
        )}
      </td>
    </tr>
  );
}

function LiveImage({ service }: { service: ServiceStatus }) {
  return (
    <>
      <span class="mono">{service.live?.image?.label ?? service.live?.revision}</span>
      <div class="sub">
        revision {service.live?.revision}
        {service.desiredCount !== undefined ? ` · ${service.desiredCount} desired` : ''}
      </div>
    </>
  );
}
