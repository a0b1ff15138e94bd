import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ReadLimits } from '../../src/activities/auditFile';
import type { ReadBatch, ReadRequest } from '../../src/domain/tailTypes';

/** uid/gid of `nobody`: tests run as root, which no file mode can refuse. */
export const NOBODY = 65534;

const LIB_AUDIT_FILE = path.resolve(__dirname, '..', '..', 'lib', 'activities', 'auditFile.js');

const CHILD = `
const { readAuditBatch } = require(process.argv[1]);
readAuditBatch(JSON.parse(process.argv[2]), JSON.parse(process.argv[3])).then(
  (batch) => process.stdout.write(JSON.stringify({ batch })),
  (err) => process.stdout.write(JSON.stringify({ error: { code: err.code, message: err.message } })),
);`;

/**
 * The real reader (the built lib/ copy of src/activities/auditFile.ts) run in a
 * child process as nobody, so file permissions genuinely apply. Errors come
 * back with their errno code, as fs errors do in-process.
 */
export async function readAsNobody(request: ReadRequest, limits: ReadLimits): Promise<ReadBatch> {
  if (!existsSync(LIB_AUDIT_FILE)) throw new Error(`${LIB_AUDIT_FILE} is missing: run \`npm run build\` first (npm test does)`);
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['-e', CHILD, LIB_AUDIT_FILE, JSON.stringify(request), JSON.stringify(limits)],
      { uid: NOBODY, gid: NOBODY, cwd: '/', maxBuffer: 64 * 1024 * 1024 },
      (err, out) => (err ? reject(err) : resolve(out)),
    ),
  );
  const answer = JSON.parse(stdout) as { batch?: ReadBatch; error?: { code?: string; message: string } };
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.batch!;
}
