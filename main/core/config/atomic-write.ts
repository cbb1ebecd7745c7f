/**
 * Replace a file so that a reader — or the next start after a crash or power loss — sees
 * either the old content or the new, never a mix: write a temp file in the same directory,
 * fsync it, rename it over the target (atomic within one file system), fsync the directory
 * so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { type FileHandle, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The two steps a crash can interrupt; tests replace them to fail half-way. */
export interface AtomicWriteSteps {
  write(file: FileHandle, data: Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

export const fileSystemSteps: AtomicWriteSteps = {
  async write(file, data) {
    await file.writeFile(data);
  },
  rename,
};

const tempInfix = '.tmp-';

export async function writeFileAtomic(path: string, content: string, steps: AtomicWriteSteps = fileSystemSteps): Promise<void> {
  const temp = `${path}${tempInfix}${randomBytes(6).toString('hex')}`;
  // 0o600: the file names the user's PBX and user name; other local users need not read it.
  const file = await open(temp, 'wx', 0o600);
  let renamed = false;
  try {
    try {
      await steps.write(file, Buffer.from(content, 'utf8'));
      await file.sync();
    } catch (e) {
      await file.close().catch(() => {});
      throw e;
    }
    await file.close();
    await steps.rename(temp, path);
    renamed = true;
  } finally {
    if (!renamed) await unlink(temp).catch(() => {});
  }
  await syncDirectory(dirname(path));
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (e) {
    // Windows cannot open a directory (EISDIR/EPERM) and some file systems refuse to fsync one
    // (EINVAL); there the rename is as durable as the platform allows.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw e;
  } finally {
    await handle?.close();
  }
}

/**
 * Removes temp files a crashed write left next to `path`. Only one process writes the file
 * (the client holds a single-instance lock), so no temp file here can belong to a live write.
 */
export async function removeStaleTempFiles(path: string): Promise<void> {
  const prefix = basename(path) + tempInfix;
  const names = await readdir(dirname(path)).catch(() => []);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => unlink(join(dirname(path), n)).catch(() => {})));
}
