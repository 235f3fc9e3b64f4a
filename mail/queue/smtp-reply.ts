// What an SMTP reply means for a recipient (RFC 5321 §4.2.1, RFC 3463): 2xx delivered, 4xx try
// again later, 5xx give up. Pure.

export type OutcomeKind = 'delivered' | 'temporary' | 'permanent';

export interface RecipientOutcome {
  kind: OutcomeKind;
  /** The reply text (or our own reason when there was no reply), one line. */
  reply: string;
  /** Enhanced status code, e.g. 5.1.1. */
  status: string;
  /** The host that answered, for DSN Remote-MTA. */
  remoteMta?: string;
}

/** Reduces a possibly multi-line reply to one line ("550-a\r\n550 b" → "550 a b"). */
export function flattenReply(reply: string): string {
  const lines = reply.split(/\r?\n/).filter(Boolean);
  if (lines.length <= 1) return reply.trim();
  const code = lines[0]!.slice(0, 3);
  return `${code} ${lines.map((l) => l.replace(/^\d{3}[ -]/, '').trim()).join(' ')}`.trim();
}

export function outcomeFromReply(reply: string, remoteMta?: string): RecipientOutcome {
  const text = flattenReply(reply);
  const code = Number(/^(\d{3})/.exec(text)?.[1] ?? 0);
  const kind: OutcomeKind = code >= 200 && code < 300 ? 'delivered' : code >= 500 && code < 600 ? 'permanent' : 'temporary';
  const enhanced = /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(text)?.[1];
  // An enhanced code must agree with the basic code's class; if not, the basic code wins.
  const status = enhanced && enhanced[0] === String(code)[0] ? enhanced : kind === 'delivered' ? '2.0.0' : kind === 'permanent' ? '5.0.0' : '4.0.0';
  return { kind, reply: text, status, ...(remoteMta ? { remoteMta } : {}) };
}

/** An outcome without a server reply (connection refused, timeout, policy). */
export function localOutcome(kind: Exclude<OutcomeKind, 'delivered'>, status: string, reason: string, remoteMta?: string): RecipientOutcome {
  return { kind, reply: reason, status, ...(remoteMta ? { remoteMta } : {}) };
}
