// The alerts firing now, above every page: read once, then kept current from the websocket's
// alerts channel. A newly firing alert is announced (role=alert on the list's live region).

import type { Alert, AlertsResponse } from '../../../shared/api-types.js';
import { useApp } from '../context.js';
import { formatTime } from '../format.js';
import { useLive, useResource } from '../hooks.js';

export function AlertsPanel() {
  const { t, lang } = useApp();
  const alerts = useResource<AlertsResponse>('/api/v1/alerts');
  useLive((m) => {
    if (m.type !== 'alerts') return;
    alerts.setData((old) => {
      const active = (old?.active ?? []).filter((a: Alert) => a.id !== m.alert.id);
      if (m.alert.state === 'firing') active.unshift(m.alert);
      return { active, recent: [m.alert, ...(old?.recent ?? [])].slice(0, 50) };
    });
  });
  const active = alerts.data?.active ?? [];
  return (
    <section class="alerts" aria-labelledby="alerts-title" aria-live="assertive" id="alerts">
      <h2 id="alerts-title" class="visually-hidden">{t('alerts.title')}</h2>
      {active.length > 0 && (
        <ul class="plain">
          {active.map((a) => (
            <li key={a.id} class={`alert ${a.severity}`} data-alert-id={a.id}>
              <strong>{a.severity === 'critical' ? t('alerts.critical') : t('alerts.warning')}:</strong> {a.message}{' '}
              <small>{t('alerts.since', { time: formatTime(a.since, lang) })}</small>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
