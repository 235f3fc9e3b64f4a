// What the queue runner reports, for logs, the control API's live events and tests.

export type QueueEvent =
  | { type: 'attempt'; qid: string; domain: string; recipients: string[] }
  | { type: 'delivered'; qid: string; recipient: string; reply: string; remoteMta: string | null }
  | { type: 'deferred'; qid: string; recipient: string; reply: string; status: string; nextAttemptAt: number }
  | { type: 'failed'; qid: string; recipient: string; reply: string; status: string; expired: boolean }
  | { type: 'bounced'; qid: string; to: string; recipients: string[] }
  | { type: 'error'; qid: string | null; message: string };
