import { useEffect, useRef, useState } from 'preact/hooks';
import type { ActionResult, ApiError } from '../api.ts';
import { postAction } from './api-client.ts';

/**
 * A button that opens a modal <dialog> named after the action; Confirm posts it, Cancel or Escape closes it. The
 * outcome goes to the caller's status region.
 */
export function ActionButton(props: {
  label: string;
  /** The accessible name of the button when the label alone is ambiguous (`Run now: nightly`). */
  buttonName?: string;
  explanation: string;
  path: string;
  body: object;
  danger?: boolean;
  onOutcome: (outcome: ActionResult | ApiError) => void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class={props.danger ? 'button danger' : 'button'} aria-label={props.buttonName} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      {open ? <ConfirmDialog {...props} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ConfirmDialog(props: { label: string; explanation: string; path: string; body: object; danger?: boolean; onOutcome: (outcome: ActionResult | ApiError) => void; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    element.showModal();
    // The native dialog traps focus, closes on Escape and gives focus back to the button that opened it.
    element.addEventListener('close', props.onClose);
    return () => element.removeEventListener('close', props.onClose);
  }, []);
  const confirm = async () => {
    setSending(true);
    const outcome = await postAction(props.path, props.body);
    props.onOutcome(outcome);
    dialog.current?.close();
  };
  const titleId = `dialog-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} aria-describedby={`${titleId}-text`}>
      <h2 id={titleId}>{props.label}</h2>
      <p id={`${titleId}-text`}>{props.explanation}</p>
      <div class="dialog-buttons">
        <button type="button" class="button" onClick={() => dialog.current?.close()} disabled={sending}>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'button primary danger' : 'button primary'} onClick={confirm} disabled={sending}>
          {sending ? 'Sending…' : 'Confirm'}
        </button>
      </div>
    </dialog>
  );
}

/** The polite live region an action's outcome is read from. */
export function OutcomeStatus({ outcome }: { outcome: ActionResult | ApiError | undefined }) {
  return (
    <div role="status" class={outcome ? (outcome.ok ? 'outcome outcome-ok' : 'outcome outcome-bad') : 'outcome'}>
      {outcome ? (
        outcome.ok ? (
          <p>{outcome.message}</p>
        ) : (
          <p>
            <strong>Refused: {outcome.error}</strong>
            {outcome.hint ? ` ${outcome.hint}` : ''}
          </p>
        )
      ) : null}
    </div>
  );
}
