#!/usr/bin/env node
// The `mailroom` command: the admin CLI and every daemon's entry point.
// It runs the compiled tree; `npm start`, `npm test` and the image build compile it first.
import '../dist/cli/main.js';
