// One ACME order (RFC 8555) with HTTP-01 challenges: the account (made or found by its key),
// the order for every name, each authorization's challenge published in the challenge store
// and answered, a new RSA key and CSR, finalization, and the certificate chain. Every failure
// is an AcmeError with a stable code and a message that says which step and which name failed.

import https from 'node:https';
import tls from 'node:tls';
import type * as AcmeClient from 'acme-client';
import { MailroomError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/log.js';
import type { ChallengeStore } from './challenge-store.js';
import { createCertificateRequest } from './certificate-request.js';

export class AcmeError extends MailroomError {}

export interface AcmeOrderOptions {
  directoryUrl: string;
  /** Contact of the account; null: none. */
  email: string | null;
  /** PEM of a private CA that signed the ACME server's HTTPS certificate; null: system roots only. */
  caCert: Buffer | null;
  accountKey: Buffer;
  challenges: ChallengeStore;
  logger?: Logger;
  /** Polling of pending challenges and orders; the defaults suit a public CA. */
  poll?: { attempts: number; minMs: number; maxMs: number };
}

export interface IssuedCertificate {
  /** PEM private key of the certificate (new for every order). */
  key: string;
  /** PEM chain: the leaf first, then the intermediates. */
  cert: string;
}

/**
 * The last network failure acme-client retried ("ECONNREFUSED", "HTTP 503"), from its log: once
 * its retries run out on a request that got no answer, it throws a TypeError about `config`
 * instead of the network error, so the log line is where the reason survives.
 */
let lastRetried: string | null = null;

/**
 * acme-client (with axios and its ASN.1 stack) is about 37 MB resident once loaded: more than
 * the agent's whole budget allows to keep for something used a few times a year. It is loaded
 * at the first order and kept from then on.
 */
let loaded: Promise<typeof AcmeClient> | null = null;
export function loadAcmeClient(): Promise<typeof AcmeClient> {
  loaded ??= import('acme-client').then((acme) => {
    acme.setLogger((message: string) => {
      const m = /^Caught (.+?), retry attempt/.exec(message);
      if (m) lastRetried = m[1]!;
    });
    return acme;
  });
  return loaded;
}

/** Why a request failed, in a few words (axios and acme-client errors, or anything else). */
export function describeFailure(err: unknown): string {
  const e = err as { code?: string; message?: string; response?: { status?: number } };
  if (err instanceof TypeError && /reading 'config'/.test(e.message ?? '')) {
    return `no answer from the ACME server (${lastRetried ?? 'network error'}, after retries)`;
  }
  const message = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (e?.code && !message.includes(e.code)) return `${e.code}: ${message}`;
  return message || 'unknown error';
}

/**
 * acme-client talks through one shared axios instance: the private CA (acme.caCertFile), a
 * timeout, and few quick retries (its defaults retry a dead server for over a minute before a
 * clear error) are set on it. One ACME configuration per process, so sharing it is fine.
 */
function configureHttp(acme: typeof AcmeClient, caCert: Buffer | null): void {
  const axios = acme.axios;
  axios.defaults.timeout = 30_000;
  axios.defaults.httpsAgent = new https.Agent({ ...(caCert ? { ca: [...tls.rootCertificates, caCert.toString('utf8')] } : {}) });
  const settings = (axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number; retryDefaultDelay: number } }).acmeSettings;
  settings.retryMaxAttempts = 2;
  settings.retryDefaultDelay = 2;
}

async function step<T>(code: string, what: string, work: () => Promise<T>): Promise<T> {
  lastRetried = null;
  try {
    return await work();
  } catch (err) {
    if (err instanceof AcmeError) throw err;
    throw new AcmeError(code, `${what}: ${describeFailure(err)}`, { cause: err });
  }
}

export async function orderCertificate(names: readonly string[], options: AcmeOrderOptions): Promise<IssuedCertificate> {
  if (names.length === 0) throw new AcmeError('acme_no_names', 'no names to put in the certificate');
  const log = options.logger ?? silentLogger;
  const acme = await loadAcmeClient();
  configureHttp(acme, options.caCert);
  const poll = options.poll ?? { attempts: 10, minMs: 3000, maxMs: 30_000 };
  const client = new acme.Client({
    directoryUrl: options.directoryUrl, accountKey: options.accountKey,
    backoffAttempts: poll.attempts, backoffMin: poll.minMs, backoffMax: poll.maxMs,
  });

  await step('acme_directory_unreachable', `cannot read the ACME directory ${options.directoryUrl}`, () => client.getTermsOfServiceUrl());
  await step('acme_account_failed', 'the ACME server refused the account', () => client.createAccount({
    termsOfServiceAgreed: true, ...(options.email ? { contact: [`mailto:${options.email}`] } : {}),
  }));
  const order = await step('acme_order_failed', `the ACME server refused an order for ${names.join(', ')}`, () => client.createOrder({
    identifiers: names.map((value) => ({ type: 'dns', value })),
  }));
  log.info('acme order created', { names: names.length, order: order.url, outcome: 'ordered' });

  const authorizations = await step('acme_order_failed', 'cannot read the order\'s authorizations', () => client.getAuthorizations(order));
  const published: string[] = [];
  try {
    await Promise.all(authorizations.map(async (authz) => {
      const name = authz.identifier.value;
      if (authz.status === 'valid') return; // authorized recently, nothing to prove
      const challenge = authz.challenges.find((c) => c.type === 'http-01');
      if (!challenge) throw new AcmeError('acme_no_http01', `the ACME server offers no HTTP-01 challenge for ${name}`);
      await step('acme_challenge_failed', `HTTP-01 for ${name}`, async () => {
        const keyAuthorization = await client.getChallengeKeyAuthorization(challenge);
        await options.challenges.put(challenge.token, keyAuthorization);
        published.push(challenge.token);
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(challenge);
      });
      log.info('acme challenge valid', { name, outcome: 'valid' });
    }));
  } finally {
    for (const token of published) await options.challenges.remove(token);
  }

  const { key, csr } = await step('acme_csr_failed', 'cannot make the certificate request', () => createCertificateRequest(names));
  const finalized = await step('acme_finalize_failed', 'the ACME server refused to finalize the order', () => client.finalizeOrder(order, csr));
  const cert = await step('acme_finalize_failed', 'cannot download the certificate', () => client.getCertificate(finalized));
  return { key, cert };
}
