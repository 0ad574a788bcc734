import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL that TypeORM's ordinary `postgres` driver connects to. */
  url: string;
  stop(): Promise<void>;
}

/**
 * PGlite behind a loopback Postgres wire-protocol socket, so that development and tests use
 * the same driver, pool and SQL as production. PGlite serialises queries and runs one
 * transaction at a time for the whole database; the pool still gives each TypeORM
 * transaction its own connection, which keeps transactions isolated (typeorm-pglite does not).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  maxConnections: number,
): Promise<EmbeddedPostgres> {
  const inMemory = dataDir === 'memory://';
  const folder = inMemory ? undefined : join(dataDir, 'pglite');
  const releaseLock = folder ? lockFolder(folder) : () => undefined;
  try {
    const db = folder ? await PGlite.create(folder) : await PGlite.create();
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
    await server.start();
    const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
    return {
      url,
      async stop() {
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * Nothing else stops two processes from opening one PGlite folder, and when they do one
 * side's committed rows are lost on close; a lock file with the owner's pid refuses the
 * second process, and a lock left by a dead process is taken over.
 */
function lockFolder(folder: string): () => void {
  mkdirSync(folder, { recursive: true });
  const lockPath = join(folder, '..', 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && processIsAlive(owner)) {
        throw new Error(
          `the embedded database in ${folder} is in use by process ${owner}; stop it or set DATA_DIR to another folder`,
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database folder ${folder}`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
