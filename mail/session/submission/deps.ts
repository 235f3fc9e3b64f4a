// What the submission session needs beyond the MX session's dependencies.

import type { AuthPenalty } from '../../auth/auth-penalty.js';
import type { MessageSigner } from '../../delivery/message-signer.js';
import type { OutboundQueue } from '../../delivery/submission-delivery.js';
import type { SenderRateLimit } from './sender-rate-limit.js';

export interface SubmissionDeps {
  /** Foreign recipients go here (the OutboundSpool). */
  queue: OutboundQueue;
  /** Something was queued: look for due mail now (QueueRunner.kick). */
  onQueued?: () => void;
  /** Growing delays after failed logins, per client address. */
  penalty: AuthPenalty;
  rateLimit: SenderRateLimit;
  /** DKIM signing before the message is stored or queued; pass-through by default. */
  signer?: MessageSigner;
  /** Password mechanisms without TLS (config auth.allowInsecure). */
  allowInsecureAuth: boolean;
  /** Port 465: TLS is done by the listener before the session starts. */
  implicitTls: boolean;
  sleep?: (ms: number) => Promise<void>;
}
