import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { VmotError } from './errors.js';

interface Owner {
  pid: number;
  host: string;
  started: string;
}

/** Long synchronous solves (an LP of several minutes) cannot refresh the lock: it goes stale after 30 minutes only. */
const STALE_MS = 30 * 60_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * An exclusive lock on a results folder (proper-lockfile, `<dir>/.vmot.lock`, its holder in `.vmot.lock.owner.json`), so two processes never do the same work
 * and overwrite each other's files. A second process is refused with a message that names the holder; a lock left by
 * a process of this machine that is gone is taken over. Returns the release function.
 */
export async function lockFolder(dir: string, notice: (message: string) => void = () => undefined): Promise<() => Promise<void>> {
  const path = join(dir, '.vmot.lock');
  const ownerFile = join(dir, '.vmot.lock.owner.json');
  const owner = (): Owner | undefined => {
    try {
      return JSON.parse(readFileSync(ownerFile, 'utf8')) as Owner;
    } catch {
      return undefined;
    }
  };
  const held = owner();
  if (held && held.host === hostname() && !alive(held.pid)) {
    notice(`${dir} was locked by process ${held.pid}, which has ended; taking the lock over`);
    rmSync(path, { recursive: true, force: true });
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, {
      lockfilePath: path,
      stale: STALE_MS,
      update: STALE_MS / 2,
      realpath: false,
      onCompromised: (e) => notice(`the lock on ${dir} was lost (${e.message}); another process may write there too`),
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    const o = owner();
    const who = o ? `process ${o.pid} on ${o.host}, since ${o.started}` : 'another process';
    throw new VmotError(`is in use by ${who}; wait for it, or give another folder`, dir);
  }
  writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() } satisfies Owner));
  return async () => {
    rmSync(ownerFile, { force: true });
    await release();
  };
}
