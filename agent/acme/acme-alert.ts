// A failed certificate issuance as an alert of its own kind ("acme"), raised through the same
// engine as every other alert (panel, websocket, agent.alertEmail) and resolved by the next
// success. Its own kind, because the alert checker re-evaluates "certificate" (expiry) every
// few seconds and would resolve anything else of that kind.

import type { AlertEngine } from '../alerts/alert-engine.js';
import type { AlertCondition } from '../alerts/alert-rules.js';
import type { AcmeAttempt } from './acme-service.js';

export const ACME_ALERT_ID = 'acme:issuance';

export function acmeAlertConditions(attempt: AcmeAttempt, daysLeft: number | null): AlertCondition[] {
  if (attempt.ok) return [];
  // With a week or less left a failure is urgent: clients will soon refuse the certificate.
  const severity = daysLeft !== null && daysLeft <= 7 ? 'critical' : 'warning';
  return [{ id: ACME_ALERT_ID, kind: 'acme', severity, message: `the TLS certificate could not be renewed: ${attempt.error?.message ?? 'unknown error'}` }];
}

export function reportAcmeAttempt(engine: Pick<AlertEngine, 'update'>, attempt: AcmeAttempt, daysLeft: number | null): void {
  engine.update(new Set(['acme']), acmeAlertConditions(attempt, daysLeft));
}
