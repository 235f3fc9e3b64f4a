// One update at a time: the agent's maintenance window and an admin's `mailroom updates apply`
// could otherwise install into the same slot at once. A lock file made with O_EXCL holds the
// owner's pid; a lock whose process is gone (a crash, a power cut) is taken over.

import { open, readFile, unlink } from 'node:fs/promises';
import { UpdateError } from './update-errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function withUpdateLock<T>(file: string, use: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new UpdateError('update_busy', 'another update is being applied; try again when it has finished');
        throw err;
      }
      const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid)) throw new UpdateError('update_busy', `another update is being applied (process ${pid}); try again when it has finished`);
      await unlink(file).catch(() => undefined);
    }
  }
  try {
    return await use();
  } finally {
    await unlink(file).catch(() => undefined);
  }
}
