// Backups: the schedule and repository, a backup started by hand with its progress live from
// the websocket's `backup` channel, the runs since the agent started, and the snapshots in the
// repository (read from restic, so that list may take a moment or fail on its own).

import type { BackupRun, BackupSnapshotView, BackupStatusResponse } from '../../../shared/api-types.js';
import { api } from '../api.js';
import { useWords, type Words } from '../components/panel-words.js';
import { LoadState, StatusLine } from '../components/status-line.js';
import { useLoad } from '../components/use-load.js';
import { useApp } from '../context.js';
import { formatBytes, formatTime } from '../format.js';
import { useAction, useLive, useResource } from '../hooks.js';
import '../components/panel-pages.css';

/** The run in `status` replaced by a newer view of the same run (or added). */
function withRun(status: BackupStatusResponse, run: BackupRun): BackupStatusResponse {
  if (run.state === 'running') return { ...status, current: run };
  const recent = [run, ...status.recent.filter((r) => r.id !== run.id)];
  return { ...status, current: status.current?.id === run.id ? null : status.current, recent };
}

export function Backup() {
  const { t } = useApp();
  const w = useWords();
  const status = useResource<BackupStatusResponse>('/api/v1/backup');
  // Only with a repository configured: without one restic has nothing to list.
  const snapshots = useLoad<BackupSnapshotView[]>(status.data?.repository ? '/api/v1/backup/snapshots' : null);
  const action = useAction();

  useLive((m) => {
    if (m.type !== 'backup') return;
    status.setData((old) => (old ? withRun(old, m.run) : old));
    if (m.run.state === 'succeeded') snapshots.reload();
  });

  const start = async () => {
    await action.run(async () => {
      const run = await api<BackupRun>('POST', '/api/v1/backup');
      status.setData((old) => (old ? withRun(old, run) : old));
    });
  };

  const s = status.data;
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>{w('backup.title')}</h1>
      <div class="toolbar">
        <button type="button" class="primary" id="backup-start" onClick={() => void start()} disabled={action.busy || Boolean(s?.current)}>{w('backup.start')}</button>
        <button type="button" onClick={() => { void status.reload(); snapshots.reload(); }}>{t('app.refresh')}</button>
      </div>
      <StatusLine status={action.status} />
      <LoadState error={status.error} loading={!s && !status.error} />
      {s && (
        <>
          <section class="card" aria-labelledby="backup-status-title">
            <h2 id="backup-status-title">{w('backup.status')}</h2>
            <dl class="facts">
              <div><dt>{w('backup.enabled')}</dt><dd>{s.enabled ? w('backup.on') : w('backup.off')}</dd></div>
              <div><dt>{w('backup.repository')}</dt><dd><code class="wrap">{s.repository ?? '–'}</code></dd></div>
              <div><dt>{w('backup.schedule')}</dt><dd><code>{s.schedule ?? '–'}</code></dd></div>
              <div><dt>{w('backup.keep')}</dt><dd>{w('backup.keepText', { daily: s.keep.daily, weekly: s.keep.weekly, monthly: s.keep.monthly })}</dd></div>
            </dl>
          </section>
          {s.current && <CurrentRun run={s.current} w={w} />}
          <section class="card" aria-labelledby="backup-recent-title">
            <h2 id="backup-recent-title">{w('backup.recent')}</h2>
            {s.recent.length === 0 ? <p>{w('backup.noRuns')}</p> : <RunTable runs={s.recent} w={w} />}
          </section>
        </>
      )}
      <section class="card" aria-labelledby="backup-snapshots-title">
        <h2 id="backup-snapshots-title">{w('backup.snapshots')}</h2>
        {!status.data?.repository && <p class="muted">{w('backup.noRepository')}</p>}
        <LoadState error={snapshots.error} loading={Boolean(status.data?.repository) && !snapshots.data && !snapshots.error} />
        {snapshots.data && (snapshots.data.length === 0 ? <p>{t('app.none')}</p> : (
          <div class="table-wrap">
            <table id="snapshots-table">
              <thead><tr><th scope="col">{w('backup.snapshot')}</th><th scope="col">{w('backup.time')}</th><th scope="col">{w('backup.host')}</th></tr></thead>
              <tbody>{snapshots.data.map((x) => <SnapshotRow key={x.id} snapshot={x} />)}</tbody>
            </table>
          </div>
        ))}
      </section>
    </section>
  );
}

function CurrentRun({ run, w }: { run: BackupRun; w: Words }) {
  const { lang } = useApp();
  const p = run.progress;
  const pct = p ? Math.round(p.percentDone * 100) : 0;
  return (
    <section class="card" aria-labelledby="backup-current-title" id="backup-current" data-run={run.id}>
      <h2 id="backup-current-title">{w('backup.current')}</h2>
      <p>{w('backup.started')}: {formatTime(run.startedAt, lang)} · {w(`backup.trigger.${run.trigger}`)}</p>
      <p>
        <progress id="backup-progress" max={100} value={pct} aria-label={w('backup.progress')} />{' '}
        <span id="backup-progress-text">{p ? w('backup.progressText', { percent: pct, files: p.filesDone, total: p.totalFiles, done: formatBytes(p.bytesDone, lang), size: formatBytes(p.totalBytes, lang) }) : '…'}</span>
      </p>
    </section>
  );
}

function RunTable({ runs, w }: { runs: BackupRun[]; w: Words }) {
  const { lang } = useApp();
  return (
    <div class="table-wrap">
      <table id="backup-runs">
        <thead><tr><th scope="col">{w('backup.started')}</th><th scope="col">{w('backup.state')}</th><th scope="col">{w('backup.snapshot')}</th></tr></thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-state={r.state}>
              <th scope="row">{formatTime(r.startedAt, lang)} <small class="muted">{w(`backup.trigger.${r.trigger}`)}</small></th>
              <td>
                <span class={`badge ${r.state === 'succeeded' ? 'ok' : r.state === 'failed' ? 'bad' : ''}`}>{w(`backup.${r.state}`)}</span>
                {r.error && <small class="muted"> {r.error.message}</small>}
                {r.dataAdded !== null && <small class="muted"> +{formatBytes(r.dataAdded, lang)}</small>}
              </td>
              <td>{r.snapshotId ? <code>{r.snapshotId.slice(0, 8)}</code> : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SnapshotRow({ snapshot }: { snapshot: BackupSnapshotView }) {
  const { lang } = useApp();
  return (
    <tr>
      <th scope="row"><code>{snapshot.shortId}</code></th>
      <td>{formatTime(snapshot.time, lang)}</td>
      <td>{snapshot.hostname}</td>
    </tr>
  );
}
