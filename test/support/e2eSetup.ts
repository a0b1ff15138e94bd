import { ensureChromium } from './chromium';
import { ensureTctl } from './tctl';

const progress = (message: string) => process.stderr.write(`[probe-wake] ${message}\n`);

/**
 * Global setup of the e2e project only (Jest runs it when an e2e test is
 * selected): Chromium for the Web UI test, tctl for the stock-CLI test, set up
 * together. Outcomes reach the test files as env variables; a tool that could
 * not be set up makes its test fail with the reason (tctl without Go: skip).
 */
export default async function e2eSetup(): Promise<void> {
  await Promise.all([
    ensureChromium(progress).then(
      (path) => void (process.env.PROBE_WAKE_CHROMIUM_PATH = path),
      (err: Error) => void (process.env.PROBE_WAKE_CHROMIUM_ERROR = err.message),
    ),
    ensureTctl(progress).then(
      (found) => {
        if ('path' in found) process.env.PROBE_WAKE_TCTL_PATH = found.path;
        else process.env.PROBE_WAKE_TCTL_SKIP = found.skip;
      },
      (err: Error) => void (process.env.PROBE_WAKE_TCTL_ERROR = err.message),
    ),
  ]);
}
