// Builds the admin panel into ui/client/dist/ (served by ui/server/panel-static.ts): one
// minified script and one stylesheet with content hashes in their names, so a browser never
// mixes an old cached bundle with a new index.html (the server caches assets for an hour).
// Usage: node ui/client/build.mjs [--outdir DIR]   (npm run build:ui; --outdir builds elsewhere,
// e.g. for a test run that must not replace the dist/ a running agent serves)

import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const outdirFlag = process.argv.indexOf('--outdir');
const outdir = outdirFlag >= 0 && process.argv[outdirFlag + 1] ? path.resolve(process.argv[outdirFlag + 1]) : path.join(here, 'dist');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [path.join(here, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir,
  entryNames: 'app-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => path.basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const style = outputs.find((f) => f.endsWith('.css'));
if (!script || !style) throw new Error(`esbuild produced no script or stylesheet: ${outputs.join(', ')}`);

const html = readFileSync(path.join(here, 'src', 'index.html'), 'utf8')
  .replace('%STYLE%', style)
  .replace('%SCRIPT%', script);
writeFileSync(path.join(outdir, 'index.html'), html);
console.log(`panel built: ${path.relative(process.cwd(), outdir)}/ (${script}, ${style})`);
