// The Prometheus text format: every line is a comment or `name{labels} value`, label values
// are escaped, families appear once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPrometheus } from '../../agent/monitoring/prometheus.js';
import type { MetricsSample } from '../../ui/shared/api-types.js';

const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (-?[0-9.e+-]+|NaN)$/;

test('renders valid exposition text', () => {
  const sample: MetricsSample = {
    time: 0, cpu: { usage: 12.5, cores: [10, 15], load: [0.1, 0.2, 0.3] },
    memory: { total: 1000, used: 400, available: 600, swapTotal: 0, swapUsed: 0 },
    disks: [{ mount: '/mnt/with "quote" \\ and\nnewline', device: '/dev/vda', fsType: 'ext4', size: 100, used: 40, available: 60, usedPercent: 40 }],
    diskIo: [{ device: 'vda', readBytesPerSec: 1, writeBytesPerSec: 2, readsPerSec: 0, writesPerSec: 0 }],
    network: [{ iface: 'eth0', rxBytesPerSec: 5, txBytesPerSec: 6 }], temperatures: [], uptime: 99,
  };
  const text = renderPrometheus({
    sample, smart: { checkedAt: null, available: true, error: null, devices: [{ device: '/dev/sda', type: null, model: null, serial: null, passed: true, temperature: null, powerOnHours: null, exitStatus: 0, messages: [] }] },
    raid: [], alerts: [{ id: 'disk:/', kind: 'disk', severity: 'warning', state: 'firing', message: 'x', since: '', resolvedAt: null }],
    mailDaemonUp: true, mail: { since: '', startedAt: '', received: 3, submitted: 1, delivered: 1, deferred: 0, failed: 0, bounced: 0, refused: 2, queue: { messages: 4, waiting: 4, deferred: 1, oldest: null } },
    process: { residentBytes: 1234, cpuSeconds: 0.5 },
  });
  assert.ok(text.endsWith('\n'));
  const families = new Set<string>();
  for (const line of text.trimEnd().split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const name = line.split(' ')[2]!;
      assert.ok(!families.has(name), `family ${name} twice`);
      families.add(name);
    } else if (!line.startsWith('# HELP ')) {
      assert.match(line, SAMPLE_LINE);
    }
  }
  assert.match(text, /^mailroom_cpu_usage_ratio\{cpu="all"\} 0\.125$/m);
  assert.match(text, /mount="\/mnt\/with \\"quote\\" \\\\ and\\nnewline"/);
  assert.match(text, /^mailroom_mail_daemon_up 1$/m);
  assert.match(text, /^mailroom_queue_messages 4$/m);
  assert.match(text, /^mailroom_mail_today\{kind="received"\} 3$/m);
  assert.match(text, /^mailroom_alert_firing\{alert="disk:\/",severity="warning"\} 1$/m);
  assert.match(text, /^mailroom_smart_healthy\{device="\/dev\/sda"\} 1$/m);
  assert.ok(!text.includes('mailroom_temperature_celsius'), 'an empty family is left out');
});
