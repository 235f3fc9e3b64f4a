// The outcome of the last action, announced to screen readers (role=status / role=alert).

export function StatusLine({ status }: { status: { kind: 'ok' | 'error'; text: string } | null }) {
  if (!status) return <p class="status-line" role="status" aria-live="polite" />;
  return <p class={`status-line ${status.kind}`} role={status.kind === 'error' ? 'alert' : 'status'}>{status.text}</p>;
}

export function LoadState({ error, loading }: { error: string | null; loading: boolean }) {
  if (error) return <p class="status-line error" role="alert">{error}</p>;
  if (loading) return <p class="muted" aria-busy="true">…</p>;
  return null;
}
