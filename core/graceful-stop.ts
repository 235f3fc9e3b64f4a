// How a daemon stops, the same way in each process (mail daemon, agent, privileged helper):
// stop() runs the process's close step once (a second call, or a second signal, gets the same
// promise), logs "shutting down" and "stopped", and resolves `stopped`. With handleSignals,
// SIGTERM and SIGINT call stop() and are let go once it is done. With a hard deadline a close
// step that hangs (a stuck socket, a peer that never answers) ends the process with exit code 1
// rather than leaving systemd to kill it without a word in the log.

import type { Logger } from './log.js';

export interface GracefulStop {
  /** Resolves once the close step has finished (or failed, which is logged). */
  readonly stopped: Promise<void>;
  stop(reason?: string): Promise<void>;
}

export interface GracefulStopOptions {
  logger: Logger;
  /** Closes everything the process opened; called once. */
  close: () => Promise<void>;
  handleSignals: boolean;
  /** After this many ms of closing, log and exit(1); without it, wait as long as it takes. */
  hardDeadlineMs?: number;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export function gracefulStop(options: GracefulStopOptions): GracefulStop {
  const { logger, handleSignals, hardDeadlineMs } = options;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => { resolveStopped = r; });
  let stopping: Promise<void> | null = null;
  const onSignal = (signal: NodeJS.Signals) => { void stop(signal); };

  const stop = (reason = 'stop'): Promise<void> => {
    if (stopping) return stopping;
    logger.info('shutting down', { reason, outcome: 'stopping' });
    const hard = hardDeadlineMs === undefined ? null : setTimeout(() => {
      logger.error('shutdown deadline passed, exiting', { outcome: 'killed' });
      process.exit(1);
    }, hardDeadlineMs);
    hard?.unref();
    stopping = options.close().then(
      () => {
        if (hard) clearTimeout(hard);
        if (handleSignals) for (const s of STOP_SIGNALS) process.off(s, onSignal);
        logger.info('stopped', { outcome: 'stopped' });
        resolveStopped();
      },
      (err: unknown) => {
        logger.error('shutdown failed', { err, outcome: 'error' });
        resolveStopped();
      },
    );
    return stopping;
  };

  if (handleSignals) for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return { stopped, stop };
}
