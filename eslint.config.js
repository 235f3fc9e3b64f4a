// Lint rules: the recommended sets, plus the boundaries of DESIGN.md that a linter can see.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'dist-*/**', 'node_modules/**', 'data/**', 'ui/client/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // protocol/ is pure: bytes in, typed values out. No sockets, files or timers.
    files: ['mail/protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['fs', 'node:fs', 'net', 'node:net', 'tls', 'node:tls', 'child_process', 'node:child_process', 'fs/promises', 'node:fs/promises', 'timers', 'node:timers'] }],
      'no-restricted-globals': ['error', 'setTimeout', 'setInterval', 'setImmediate', 'process'],
    },
  },
  {
    // the web-facing server never shells out and never opens the store.
    files: ['ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['child_process', 'node:child_process', 'better-sqlite3'] }],
    },
  },
);
