// A modal built on <dialog>: showModal() gives focus trapping, Escape to close and an inert
// background; focus returns to whatever opened it when it closes.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { useApp } from '../context.js';

export interface DialogProps {
  title: string;
  open: boolean;
  onClose: () => void;
  /** Given: the dialog is a form, and this runs on submit. */
  onSubmit?: () => void;
  submitLabel?: string;
  busy?: boolean;
  danger?: boolean;
  children: ComponentChildren;
}

let nextId = 0;

export function Dialog({ title, open, onClose, onSubmit, submitLabel, busy, danger, children }: DialogProps) {
  const { t } = useApp();
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useRef(`dialog-title-${++nextId}`);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
    } else if (!open && dialog.open) {
      dialog.close();
      if (opener.current instanceof HTMLElement) opener.current.focus();
    }
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId.current} onClose={() => { if (open) onClose(); }}>
      <form method="dialog" onSubmit={(e) => { if (onSubmit) { e.preventDefault(); onSubmit(); } }}>
        <h2 id={titleId.current}>{title}</h2>
        <div class="dialog-body">{children}</div>
        <div class="actions">
          <button type="button" onClick={onClose}>{onSubmit ? t('app.cancel') : t('app.close')}</button>
          {onSubmit && <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>{submitLabel ?? t('app.confirm')}</button>}
        </div>
      </form>
    </dialog>
  );
}
