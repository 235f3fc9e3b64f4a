// The ports mail clients are told about (DNS SRV records): those of the configured listeners.

import { splitHostPort } from '../../core/config.js';
import type { ClientPorts } from './control-deps.js';

type Listen = { submission: string | null; submissions: string | null; imaps: string | null; pop3s: string | null };

export function clientPorts(listen: Listen): ClientPorts {
  const port = (v: string | null) => (v === null ? null : splitHostPort(v).port);
  return { submission: port(listen.submission), submissions: port(listen.submissions), imaps: port(listen.imaps), pop3s: port(listen.pop3s) };
}
