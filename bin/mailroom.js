#!/usr/bin/env node
// The `mailroom` command: the admin CLI and every daemon's entry point.
// It runs the compiled tree; `npm start`, `npm test` and the image build compile it first.

// The store fsyncs message files on libuv's thread pool; its default of 4 threads caps how many
// run at once. It must be set before anything touches the pool, hence here and before the import.
process.env.UV_THREADPOOL_SIZE ??= '16';
await import('../dist/cli/main.js');
