import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The checkout's root: the nearest ancestor holding package.json. Code runs
 * from src/ (tests), lib/ (npm start) and lib-eval/src/ (npm run eval), so a
 * fixed number of `..` would be wrong for one of them.
 */
export function findProjectRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot();
