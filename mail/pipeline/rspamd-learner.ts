// Teaching rspamd's Bayes classifier through its controller: POST /learnspam or /learnham with
// the raw message. Meant for the IMAP side (a message moved into Junk is spam, moved out of it
// ham); it runs after the fact, so a failure is reported to the caller, never to a client.
//
// The controller's answers (rspamd 3.4):
//   200 {"success":true}                         learned
//   404 "<id> has been already learned as ..."   nothing to do (the same class twice; 208 before 3.x)
//   204 "... less tokens than required ..."      too little text to learn from
//   anything else (403 wrong password, 5xx: no classifier backend, e.g. Redis down) -> RspamdError
// Learning a message as the other class than before relearns it (200).

import { createRspamdHttp, RspamdError, type MessageSource } from './rspamd-http.js';

export type LearnOutcome =
  | { learned: true }
  | { learned: false; reason: 'already-learned' | 'not-learnable'; detail: string };

export interface RspamdLearner {
  learnSpam(message: MessageSource | Buffer): Promise<LearnOutcome>;
  learnHam(message: MessageSource | Buffer): Promise<LearnOutcome>;
  close(): void;
}

export interface RspamdLearnerOptions {
  /** The controller worker, e.g. "http://127.0.0.1:11334". */
  url: string;
  /** The controller's password (its "password" or "enable_password"); null from a secure_ip. */
  password: string | null;
  timeoutMs: number;
}

export function createRspamdLearner(options: RspamdLearnerOptions): RspamdLearner {
  // Learning is rare and must not crowd out the controller's other users.
  const http = createRspamdHttp({ url: options.url, timeoutMs: options.timeoutMs, maxSockets: 4 });
  const learn = async (path: '/learnspam' | '/learnham', message: MessageSource | Buffer): Promise<LearnOutcome> => {
    const source: MessageSource = Buffer.isBuffer(message) ? bufferSource(message) : message;
    const res = await http.post(path, source, options.password ? { Password: options.password } : {});
    const detail = (res.statusMessage || res.body).replace(/[^\x20-\x7e]+/g, ' ').trim().slice(0, 300);
    if (res.status === 200) {
      if (!/"success"\s*:\s*true/.test(res.body)) throw new RspamdError('rspamd_bad_reply', `rspamd ${path} answered 200 without success: ${res.body.slice(0, 200)}`);
      return { learned: true };
    }
    // rspamd 3.4 answers "already learned" with 404 (older versions 208): the text decides.
    if (res.status === 208 || /already learned/i.test(detail)) return { learned: false, reason: 'already-learned', detail };
    if (res.status === 204 || /less tokens than required/i.test(detail)) return { learned: false, reason: 'not-learnable', detail };
    throw new RspamdError('rspamd_http_status', `rspamd ${path} answered HTTP ${res.status} ${detail}`.trim());
  };
  return {
    learnSpam: (message) => learn('/learnspam', message),
    learnHam: (message) => learn('/learnham', message),
    close: () => http.close(),
  };
}

function bufferSource(buf: Buffer): MessageSource {
  return {
    size: buf.length,
    async *open() { yield buf; },
  };
}
