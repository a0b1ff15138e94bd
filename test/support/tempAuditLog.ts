import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh temp folder with an audit-log path in it for each test of the calling file, removed after each. */
export function tempAuditLog(prefix: string): { readonly dir: string; readonly file: string } {
  const paths = { dir: '', file: '' };
  beforeEach(() => {
    paths.dir = mkdtempSync(path.join(tmpdir(), `probe-wake-${prefix}-`));
    paths.file = path.join(paths.dir, 'audit.jsonl');
  });
  afterEach(() => rmSync(paths.dir, { recursive: true, force: true }));
  return paths;
}
