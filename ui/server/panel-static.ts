// Serves the panel (ui/client's build output): its files, and index.html for any other GET
// outside /api, so the single-page app's own routes survive a reload. Until the panel is
// built, a one-line page says so.

import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

const PLACEHOLDER = '<!doctype html><html><head><meta charset="utf-8"><title>Mailroom</title></head>'
  + '<body><h1>Mailroom</h1><p>The admin panel is not built yet. The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></body></html>';

export function panelRouter(panelDir: string | null): Router {
  const router = express.Router();
  const index = panelDir ? path.join(panelDir, 'index.html') : null;
  if (panelDir && index && existsSync(index)) {
    router.use(express.static(panelDir, { index: 'index.html', dotfiles: 'ignore', fallthrough: true, maxAge: '1h' }));
    router.get(/^\/(?!api\/|metrics$|\.well-known\/|autodiscover\/).*/, (_req, res) => {
      res.set('cache-control', 'no-cache').sendFile(index);
    });
  } else {
    router.get('/', (_req, res) => { res.type('html').send(PLACEHOLDER); });
  }
  return router;
}
