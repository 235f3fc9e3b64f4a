import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { historyOf, mergeReport, writeReport } from '../../../bench/lib/results-writer.js';

const HISTORY = '#### Session 4 (2026-11-23): one change\n\nFigures.\n\n#### Session 3: older\n\nMore.\n';

test('a run replaces the report above the first #### line and keeps every section below it', () => {
  const old = '### Inbound\n\n| old | table |\n\n<details>old runs</details>\n\n' + HISTORY;
  const merged = mergeReport('### Inbound\n\n| new | table |\n', old);
  assert.equal(merged, '### Inbound\n\n| new | table |\n\n' + HISTORY);
  assert.ok(!merged.includes('old | table'));
});

test('#### only counts at the start of a line; a file without history gets the report alone', () => {
  assert.equal(historyOf('### A\n\ntext with #### inside\n'), '');
  assert.equal(mergeReport('### New\n\n\n', '### A\n\ntext with #### inside\n'), '### New\n');
  assert.equal(mergeReport('### New\n', null), '### New\n');
  // A file that is all history keeps all of it under the new report.
  assert.equal(mergeReport('### New\n', HISTORY), '### New\n\n' + HISTORY);
});

test('writeReport writes the merged file in place, and creates it when missing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'results-writer-'));
  try {
    const file = path.join(dir, 'inbound.md');
    writeReport(file, '### First\n');
    assert.equal(readFileSync(file, 'utf8'), '### First\n');
    writeFileSync(file, '### First\n\n' + HISTORY);
    writeReport(file, '### Second\n\n| a |\n');
    assert.equal(readFileSync(file, 'utf8'), '### Second\n\n| a |\n\n' + HISTORY);
    assert.deepEqual(readdirSync(dir), ['inbound.md'], 'no temporary file is left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
