import type { ComponentChildren } from 'preact';
import type { ApiError } from '../api.ts';
import { ageText, utcText, type Badge } from './view-model.ts';

/** Small pieces every page uses. */

/** A state in words; the tone only colours it (colour is never the only signal). */
export function StateBadge({ badge }: { badge: Badge }) {
  return <span class={`badge badge-${badge.tone}`}>{badge.label}</span>;
}

/** An age (`3m ago`) with the exact UTC time as its machine-readable value and tooltip. */
export function Age({ iso, now }: { iso: string | undefined; now: number }) {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={utcText(iso)}>
      {ageText(iso, now)}
    </time>
  );
}

export function Code({ children }: { children: ComponentChildren }) {
  return <code class="mono">{children}</code>;
}

/** A non-blocking notice above the page: the last snapshot stays usable under it. */
export function Banner({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p class="banner" role="alert">
      {text}
    </p>
  );
}

/** Shown until the first read answers, or instead of the page when it failed. */
export function Pending({ error, what }: { error: ApiError | undefined; what: string }) {
  if (!error) return <p class="muted" aria-live="polite">Loading {what}…</p>;
  return (
    <div class="problem" role="alert">
      <p>
        <strong>{error.error}</strong>
      </p>
      {error.hint ? <p>{error.hint}</p> : null}
    </div>
  );
}

/** A table with its caption, which names it for assistive technology; `hidden`: for assistive technology only. */
export function DataTable(props: { caption: string; headers: string[]; children: ComponentChildren; captionClass?: string; hidden?: boolean }) {
  const { caption, headers, children, captionClass } = props;
  return (
    <div class={props.hidden ? 'visually-hidden' : 'table-wrap'}>
      <table>
        <caption class={captionClass}>{caption}</caption>
        <thead>
          <tr>
            {headers.map((header) => (
              <th scope="col" key={header}>
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function EmptyRow({ columns, text }: { columns: number; text: string }) {
  return (
    <tr>
      <td colSpan={columns} class="muted">
        {text}
      </td>
    </tr>
  );
}
