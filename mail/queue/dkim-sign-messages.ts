// What the main thread and the DKIM signing worker (dkim-sign-worker.ts) say to each other.
// Keys cross once: a request names each key by a number, and carries the key itself only the
// first time that number is used (KeyObjects are cloned into the worker, which keeps them).

import type { KeyObject } from 'node:crypto';

export interface SignKeyRef {
  id: number;
  selector: string;
  algorithm: 'rsa' | 'ed25519';
  /** Present the first time this id is sent. */
  privateKey?: KeyObject;
}

export interface SignRequest {
  id: number;
  domain: string;
  keys: SignKeyRef[];
  /** The whole message as received (headers and body). */
  message: Uint8Array;
  /** The signature's time (t=), in seconds: the main thread's clock decides it. */
  time: number;
}

export type SignReply =
  | { id: number; ok: true; header: string }
  | { id: number; ok: false; code: string; message: string };
