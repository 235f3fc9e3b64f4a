// The CLI's composition root: the one place that reads the config and picks the store
// implementations (embedded SQLite + message files). Commands get the opened services and never
// construct stores themselves.

import path from 'node:path';
import { loadConfig, type Config } from '../core/config.js';
import { ConfigError, MailroomError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/log.js';
import type { BlobStore, Directory, MailStore } from '../mail/store/contracts.js';
import { DATABASE_FILE, openDatabase, type Db } from '../mail/store/sqlite/database.js';
import { SqliteDirectory } from '../mail/store/sqlite/directory.js';
import { SqliteMailStore } from '../mail/store/sqlite/mail-store.js';
import { FsBlobStore } from '../mail/store/fs/blob-store.js';

export interface Services {
  config: Config;
  db: Db;
  blobs: BlobStore;
  mailStore: MailStore;
  directory: Directory;
  logger: Logger;
}



/**
 * Warnings and errors only, on stderr: stdout carries the command's output, and routine "user
 * added" lines would drown the one line an admin or a script needs.
 */
function cliLogger(config: Config): Logger {
  const level = config.log.level === 'debug' ? 'debug' : 'warn';
  return createLogger({ level, sink: process.stderr, bindings: { component: 'cli' } });
}

/** Opens the database, blob store, mail store and directory for a validated config. */
export async function openServices(config: Config): Promise<Services & { close(): Promise<void> }> {
  const logger = cliLogger(config);
  const db = openDatabase(path.join(config.dataDir, DATABASE_FILE));
  try {
    const { blobs, mailStore } = await openMailStore(config, db, logger);
    const directory = new SqliteDirectory({ db, mailStore, logger });
    return {
      config, db, blobs, mailStore, directory, logger,
      async close() {
        await mailStore.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** The embedded store: message files under DIR/blobs, their index in the shared database. */
async function openMailStore(config: Config, db: Db, logger: Logger): Promise<{ blobs: BlobStore; mailStore: MailStore }> {
  const blobs = await FsBlobStore.open({ dataDir: config.dataDir, logger });
  const mailStore = new SqliteMailStore({ db, blobs, logger });
  return { blobs, mailStore };
}

/** Reads DIR/config.json; every problem is still reported, but on the one line a CLI error gets. */
export function loadCliConfig(dataDir: string): Config {
  try {
    return loadConfig(dataDir);
  } catch (err) {
    if (err instanceof ConfigError) throw new MailroomError('config_invalid', `invalid config: ${err.issues.join('; ')}`, { cause: err });
    throw err;
  }
}

/** Loads DIR/config.json, opens everything, runs `use`, and closes whatever happens. */
export async function withServices<T>(dataDir: string, use: (services: Services) => Promise<T>): Promise<T> {
  const services = await openServices(loadCliConfig(dataDir));
  try {
    return await use(services);
  } finally {
    await services.close();
  }
}
