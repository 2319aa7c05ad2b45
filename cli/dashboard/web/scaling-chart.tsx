import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ScalingSeries } from '../api.ts';
import { DataTable, EmptyRow } from './common.tsx';
import { scalingChartData, utcText } from './view-model.ts';

const DESIRED_COLOUR = '#0b63c5';
const METRIC_COLOUR = '#b35900';

/**
 * The figure "Scaling activity": desired count (left axis, steps) against the alarm's metric (right axis) over time.
 * uPlot's legend names the lines and shows the values under the cursor. The canvas is hidden from assistive technology; a visually-hidden table carries the same numbers.
 */
export function ScalingChart({ series }: { series: ScalingSeries }) {
  const metric = series.metricName ?? 'Alarm metric';
  return (
    <figure class="card chart" aria-labelledby="scaling-caption">
      <figcaption id="scaling-caption">
        <h2>Scaling activity</h2>
      </figcaption>
      {series.points.length > 0 ? <Canvas series={series} metric={metric} /> : <p class="muted">No scaling evaluations recorded yet.</p>}
      <DataTable caption="Scaling activity data" hidden headers={['Time', 'Desired count', metric]}>
        {series.points.length === 0 ? <EmptyRow columns={3} text="No points." /> : null}
        {series.points.map((point) => (
          <tr key={point.at}>
            <td>{utcText(point.at)}</td>
            <td>{point.desiredCount ?? '—'}</td>
            <td>{point.metric ?? '—'}</td>
          </tr>
        ))}
      </DataTable>
    </figure>
  );
}

function Canvas({ series, metric }: { series: ScalingSeries; metric: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const chart = new uPlot(chartOptions(element.clientWidth, metric), scalingChartData(series), element);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 240 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [metric]);
  useEffect(() => plot.current?.setData(scalingChartData(series)), [series]);
  return <div class="chart-canvas" ref={host} aria-hidden="true" />;
}

function chartOptions(width: number, metric: string): uPlot.Options {
  const axis = { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.4)' } };
  return {
    width: Math.max(width, 280),
    // UTC, like every time the tables show.
    tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
    height: 240,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, count: { range: (_u, min, max) => [0, Math.max(max + 1, min + 2)] }, metric: { auto: true } },
    series: [
      { label: 'Time', value: (_u, value) => (value == null ? '—' : utcText(new Date(value * 1000).toISOString())) },
      { label: 'Desired count', scale: 'count', stroke: DESIRED_COLOUR, width: 2, paths: uPlot.paths.stepped?.({ align: 1 }), spanGaps: true },
      { label: metric, scale: 'metric', stroke: METRIC_COLOUR, width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 5 } },
    ],
    axes: [{ ...axis, label: 'Time (UTC)' }, { ...axis, scale: 'count', label: 'Desired count' }, { ...axis, scale: 'metric', side: 1, label: metric, grid: { show: false } }],
  };
}
