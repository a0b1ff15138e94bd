/**
 * The tail's page in the Temporal Web UI shows its active silences with their
 * expiry (the tail's current details), in Debian's headless Chromium as in
 * test/e2e/webUi.test.ts. Screenshots go to test-artifacts/web-ui/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { addSilenceUpdate } from '../../src/api';
import { CHROMIUM_ARGS } from '../support/chromium';
import { ROOT, startPipeline, type Pipeline } from '../support/pipeline';
import { freePort } from '../support/ports';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'web-ui');

describe('silences in the Temporal Web UI', () => {
  let p: Pipeline;
  let uiUrl: string;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;

  beforeAll(async () => {
    const chromiumError = process.env.PROBE_WAKE_CHROMIUM_ERROR;
    if (chromiumError) throw new Error(`Chromium could not be set up, so the Web UI cannot be tested: ${chromiumError}`);
    const executablePath = process.env.PROBE_WAKE_CHROMIUM_PATH;
    if (!executablePath) throw new Error('PROBE_WAKE_CHROMIUM_PATH is not set: the e2e global setup (test/support/e2eSetup.ts) did not run');
    const uiPort = await freePort();
    uiUrl = `http://127.0.0.1:${uiPort}`;
    p = await startPipeline({ uiPort });
    mkdirSync(ARTIFACTS, { recursive: true });
    profile = mkdtempSync(path.join(tmpdir(), 'probe-wake-chromium-'));
    browser = await chromium.launchPersistentContext(profile, { executablePath, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1600, height: 1000 } });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await p?.stop();
  });

  test("the tail's current details list each active silence with its expiry", async () => {
    const tail = p.env.client.workflow.getHandle(p.config.temporal.tailWorkflowId);
    const silence = await tail.executeUpdate(addSilenceUpdate, { args: [{ probe: 'fly', category: 'auth', forSeconds: 7200, reason: 'Fly maintenance window', createdBy: 'U024BE7LH' }] });
    const { runId } = await tail.describe();
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(tail.workflowId)}/${runId}/history`);
    const until = new Date(silence.untilMs).toISOString();
    // The UI renders current details as markdown in a frame, as it does static details.
    await page.getByText('User Metadata', { exact: true }).click();
    // The frame naming the silence's scope: a bare `s-1` can also be part of the temp path in the static details.
    const shown = async () => {
      for (let i = 0; i < (await page.locator('iframe').count()); i++) {
        const text = await page.frameLocator('iframe').nth(i).locator('body').innerText().catch(() => '');
        if (text.includes(`${silence.id} fly/auth`)) return text;
      }
      return undefined;
    };
    let text: string | undefined;
    for (let attempt = 0; attempt < 60 && !text; attempt++) {
      text = await shown();
      if (!text) await page.waitForTimeout(500);
    }
    await page.screenshot({ path: path.join(ARTIFACTS, '06-tail-silences.png'), fullPage: true });
    expect(text).toContain('Silences (1)');
    expect(text).toContain(`${silence.id} fly/auth until ${until} by U024BE7LH: Fly maintenance window`);
  });
});
