// Writes a bench's markdown report into bench/results/<suite>.md without losing its history.
// A results file is the latest run's report on top, then dated sections that people wrote by
// hand ("#### Session 4 (...): ..."): measurements of earlier changes, profiles, what was tried.
// A run replaces only the part above the first line that starts with "#### " and keeps every
// line from there on, so re-running a bench never deletes those notes.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** The heading level that starts the kept part of a results file. */
export const HISTORY_MARKER = '#### ';

/** The kept part of a results file: from its first "#### " line to the end ('' if none). */
export function historyOf(existing: string): string {
  if (existing.startsWith(HISTORY_MARKER)) return existing;
  const at = existing.indexOf('\n' + HISTORY_MARKER);
  return at < 0 ? '' : existing.slice(at + 1);
}

/** `report` on top of the history of `existing` (null: no file yet), one blank line between. */
export function mergeReport(report: string, existing: string | null): string {
  const history = existing === null ? '' : historyOf(existing);
  const head = report.replace(/\s+$/, '') + '\n';
  return history ? `${head}\n${history}` : head;
}

/**
 * Replaces the report part of `file` with `report`, keeping its history sections. Written to a
 * temporary file and renamed, so an interrupted run leaves the old file whole.
 */
export function writeReport(file: string, report: string): void {
  let existing: string | null = null;
  try {
    existing = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, mergeReport(report, existing));
  renameSync(tmp, file);
}
