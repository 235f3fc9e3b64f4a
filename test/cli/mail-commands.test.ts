// `mailroom mail ls|cat`: a message delivered through the real store, read back by the CLI.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig } from '../../core/config.js';
import { openServices } from '../../cli/services.js';
import { assertOneLineError, makeTempDir, runCli } from './run-cli.js';

const MESSAGE = [
  'From: Sender Person <sender@example.net>',
  'To: alice@example.com',
  'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= from the test',
  'Date: Tue, 04 Mar 2025 10:20:30 +0000',
  'Message-ID: <cli-test-1@example.net>',
  'MIME-Version: 1.0',
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Hello Alice,',
  'this is the body.',
  '',
].join('\r\n');

describe('mailroom mail', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let data: string;
  const cli = (args: string[], input?: string) => runCli(data, args, input);

  before(async () => {
    tmp = makeTempDir();
    data = path.join(tmp.root, 'data');
    for (const [args, input] of [
      [['init', '--hostname', 'mx.example.com']],
      [['domain', 'add', 'example.com']],
      [['user', 'add', 'alice@example.com', '--password-stdin'], 'correct horse battery staple'],
      [['user', 'add', 'bob@example.com', '--password-stdin'], 'correct horse battery staple'],
    ] as [string[], string?][]) {
      const res = await cli(args, input);
      assert.equal(res.code, 0, `${args.join(' ')}: ${res.stderr}`);
    }
    // Deliver the way the daemon does, through the same wiring the CLI uses.
    const services = await openServices(loadConfig(data));
    try {
      const alice = await services.directory.getUser('alice@example.com');
      const tx = services.mailStore.beginDelivery({ internalDate: new Date('2025-03-04T10:21:00Z') });
      tx.addRecipient({ userId: alice!.id });
      await tx.writeBody((async function* () { yield Buffer.from(MESSAGE); })());
      await tx.commit();
    } finally {
      await services.close();
    }
  });
  after(() => tmp.cleanup());

  test('ls --json gives the stable shape', async () => {
    const res = await cli(['mail', 'ls', 'Alice@Example.com', '--json']);
    assert.equal(res.code, 0, res.stderr);
    const list = JSON.parse(res.stdout) as Record<string, unknown>[];
    assert.equal(list.length, 1);
    assert.deepEqual(Object.keys(list[0]!).sort(), ['date', 'folder', 'from', 'size', 'subject', 'uid']);
    assert.equal(list[0]!.uid, 1);
    assert.equal(list[0]!.folder, 'INBOX');
    assert.match(String(list[0]!.from), /sender@example\.net/);
    assert.equal(list[0]!.subject, 'Grüße from the test');
    assert.equal(list[0]!.size, Buffer.byteLength(MESSAGE));
    assert.equal(list[0]!.date, '2025-03-04T10:20:30.000Z');
  });

  test('ls without --json prints a table', async () => {
    const res = await cli(['mail', 'ls', 'alice@example.com']);
    assert.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /UID.*SUBJECT/);
    assert.match(lines[1]!, /^\s+1\s+2025-03-04 10:20\s+\d+\s+.*Grüße from the test$/);
  });

  test('an empty folder lists nothing', async () => {
    assert.equal((await cli(['mail', 'ls', 'bob@example.com', '--json'])).stdout, '[]\n');
    assert.equal((await cli(['mail', 'ls', 'alice@example.com', '--folder', 'Sent', '--json'])).stdout, '[]\n');
  });

  test('cat gives the raw bytes', async () => {
    const res = await cli(['mail', 'cat', 'alice@example.com', '1']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdoutBytes, Buffer.from(MESSAGE));
  });

  const refusals: [string, string[], number, RegExp][] = [
    ['an unknown user', ['mail', 'ls', 'ghost@example.com'], 1, /no user ghost@example\.com/],
    ['an unknown folder', ['mail', 'ls', 'alice@example.com', '--folder', 'Nope'], 1, /no folder "Nope"/],
    ['an unknown UID', ['mail', 'cat', 'alice@example.com', '99'], 1, /no message with UID 99/],
    ['a malformed UID', ['mail', 'cat', 'alice@example.com', '1x'], 1, /not a message UID/],
    ['a missing UID', ['mail', 'cat', 'alice@example.com'], 2, /missing argument/],
    ['--folder without a value', ['mail', 'ls', 'alice@example.com', '--folder'], 2, /--folder needs a value/],
  ];
  for (const [name, args, code, pattern] of refusals) {
    test(`refuses ${name}`, async () => {
      const res = await cli(args);
      assertOneLineError(res, code, pattern);
      assert.equal(res.stdout, '');
    });
  }
});
