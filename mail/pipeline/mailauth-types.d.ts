// The parts of mailauth 4.9 (plain JavaScript, no bundled types) that Mailroom uses. Only what
// message-auth.ts and the DKIM tests read is described; everything else stays `unknown`.

declare module 'mailauth' {
  /** Like dns.promises.resolve: TXT gives string[][], MX {exchange, priority}[], A/AAAA string[]. */
  export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown>;

  export interface AuthStatus {
    result: string;
    comment?: string;
    policy?: Record<string, string>;
  }

  export interface DkimResult {
    signingDomain?: string;
    selector?: string;
    algo?: string;
    status: AuthStatus & { aligned?: string | false };
    info: string;
  }

  export interface AuthenticateOptions {
    sender?: string;
    ip?: string;
    helo?: string;
    mta?: string;
    trustReceived?: boolean;
    minBitLength?: number;
    disableArc?: boolean;
    disableDmarc?: boolean;
    disableBimi?: boolean;
    resolver?: MailauthResolver;
    maxResolveCount?: number;
    maxVoidCount?: number;
  }

  export interface AuthenticateResult {
    dkim: { results?: DkimResult[]; headerFrom?: string[] };
    spf: { status: AuthStatus; domain?: string; info: string; header?: string } | false;
    dmarc: { status: AuthStatus & { header?: Record<string, string> }; domain?: string; policy?: string; p?: string; sp?: string; info?: string; error?: string } | false;
    arc: { status: AuthStatus; i?: number; info?: string } | false;
    bimi: unknown;
    receivedChain?: unknown[];
    headers: string;
  }

  export function authenticate(message: NodeJS.ReadableStream | Buffer | string, options?: AuthenticateOptions): Promise<AuthenticateResult>;
}

declare module 'mailauth/lib/dkim/verify.js' {
  import type { DkimResult, MailauthResolver } from 'mailauth';
  export function dkimVerify(message: NodeJS.ReadableStream | Buffer | string, options?: { resolver?: MailauthResolver; minBitLength?: number }): Promise<{ results: DkimResult[] }>;
}
