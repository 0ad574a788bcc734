import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/** The repository root, from the compiled script in dist/scripts/. */
export const ROOT = join(__dirname, '..', '..', '..');

/** One line that says which machine a figure comes from. */
export function machineLine(): string {
  const cpus = os.cpus();
  return `- Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}; Node ${process.version}`;
}

/**
 * Puts `table` (which starts with the `### heading` line) into the section of BENCHMARKS.md
 * that starts with `intro`'s first line: the intro is rewritten, this heading's previous
 * table replaced, and the tables of other headings (another database) kept.
 */
export function writeBenchmarkTable(intro: string, heading: string, table: string): void {
  const path = join(ROOT, 'BENCHMARKS.md');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(intro.split('\n')[0]);
  const end = start < 0 ? -1 : current.indexOf('\n## ', start + 1);
  const old = start < 0 ? '' : current.slice(start, end < 0 ? undefined : end + 1);
  const others = old
    .split(/^(?=### )/m)
    .slice(1)
    .filter((part) => !part.startsWith(`${heading}\n`))
    .map((part) => part.trimEnd() + '\n');
  const section = [intro, ...others, table].join('\n');
  const next =
    start < 0
      ? `${current.trimEnd()}\n\n${section}`
      : current.slice(0, start) + section + (end < 0 ? '' : `\n${current.slice(end + 1)}`);
  writeFileSync(path, next);
}
