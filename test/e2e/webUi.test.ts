/**
 * What an operator sees in the Temporal Web UI: the dev server's own UI, in
 * Debian's headless Chromium driven by playwright-core (no browser download).
 * A real investigation runs through the worker with the fake Slack /
 * Anthropic servers; the UI must find it by ProbeName and show its summary,
 * details and outcome. Screenshots go to test-artifacts/web-ui/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { InvestigationOutcomeKey, windowClosedSignal } from '../../src/api';
import { diagnosisOf } from '../support/diagnosis';
import { CHROMIUM_ARGS } from '../support/chromium';
import { ROOT, startPipeline, type Pipeline } from '../support/pipeline';
import { freePort } from '../support/ports';
import { eventually } from '../support/poll';

const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'web-ui');
const SUMMARY = 'Probe alert · fly — Fly app(s) unreachable: HTTP 401';

describe('investigations in the Temporal Web UI', () => {
  let p: Pipeline;
  let uiUrl: string;
  let browser: BrowserContext;
  let profile: string;
  let page: Page;
  let workflowId: string;

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

  const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });

  test('a fly investigation: found by ProbeName="fly", summary, details and outcome shown', async () => {
    const wakeId = p.appendWake('fly', 'auth', {
      impact: 'Deploy-control impact: app machines may be unreachable.',
      envelope: { enabled: false, fix_name: 'restart_unhealthy_machine' },
    });
    workflowId = `probe-investigation:fly:auth:${wakeId}`;
    const handle = p.env.client.workflow.getHandle(workflowId);
    await eventually(() => handle.describe(), 30_000, 'the tail to start the investigation');
    // Diagnosed, then the window reset (as `probe-wake reset-debounce` would): the incident ends, its result is the outcome.
    await diagnosisOf(p.env.client, workflowId);
    await handle.signal(windowClosedSignal, { reason: 'reset', atMs: Date.now() });
    await handle.result();
    // Visibility is updated asynchronously; the UI lists what visibility has.
    await eventually(async () => {
      for await (const info of p.env.client.workflow.list({ query: `ProbeName = "fly" AND WorkflowId = "${workflowId}"` })) {
        if (info.typedSearchAttributes.get(InvestigationOutcomeKey)) return true;
      }
      return undefined;
    }, 30_000, 'the finished investigation in visibility');

    // The list, filtered as an operator would, with our search attributes added as columns.
    await page.goto(`${uiUrl}/namespaces/default/workflows?query=${encodeURIComponent('ProbeName="fly"')}`);
    const row = page.getByRole('row').filter({ hasText: workflowId });
    await row.waitFor({ state: 'visible' });
    await page.getByTestId('workflows-summary-table-configuration-button').click();
    // Run ID, Type and End say little here; the probe, severity and outcome say a lot (and must fit the screenshot).
    for (const column of ['Run ID', 'Type', 'End']) await page.getByRole('button', { name: `Remove ${column} column` }).click();
    for (const column of ['ProbeName', 'ProbeSeverity', 'InvestigationOutcome']) {
      await page.getByRole('button', { name: `Add ${column} column` }).click();
    }
    await page.getByTestId('drawer-close-button').click();
    await page.getByRole('columnheader', { name: 'InvestigationOutcome' }).waitFor({ state: 'visible' });
    const rowText = await row.innerText();
    expect(rowText).toContain('COMPLETED');
    expect(rowText).toMatch(/fly[\s\S]*critical[\s\S]*investigated/);
    expect(await page.getByRole('row').count()).toBe(2); // the header and our one investigation
    await shot('01-list-ProbeName-fly.png');

    // Its page: the result is the outcome, DM text included.
    await row.getByRole('link', { name: workflowId }).click();
    await page.getByText('"dmSent": true').waitFor({ state: 'visible' });
    const main = await page.innerText('main');
    expect(main).toContain('"investigated": true');
    expect(main).toContain(`"wakeId": "${wakeId}"`);
    expect(main).toContain('Next step: mint a new Fly deploy token');
    await shot('02-investigation-result.png');

    // Static summary and details (rendered by the UI as markdown in frames).
    await page.getByText('User Metadata', { exact: true }).click();
    // Summary first, then details: one frame each.
    await page.frameLocator('iframe').nth(0).getByText(SUMMARY).waitFor({ state: 'visible' });
    const detailsBody = page.frameLocator('iframe').nth(1).locator('body');
    await detailsBody.getByText('Severity:').waitFor({ state: 'visible' });
    const details = await detailsBody.innerText();
    expect(details).toContain('Severity: critical');
    expect(details).toContain(`Wake: ${wakeId}`);
    expect(details).toContain('Impact: Deploy-control impact: app machines may be unreachable.');
    expect(details).toContain('Auto-fix: restart_unhealthy_machine disabled');
    expect(details).toContain('"error": "HTTP 401"');
    await shot('03-summary-and-details.png');

    // The search attributes, with the outcome upserted at the end.
    await page.getByText('Search Attributes', { exact: true }).click();
    await page.getByText('InvestigationOutcome').waitFor({ state: 'visible' });
    const attributes = await page.innerText('main');
    for (const expected of ['ProbeName', 'IssueCategory', 'ProbeSeverity', 'InvestigationOutcome', 'investigated']) expect(attributes).toContain(expected);
    await shot('04-search-attributes.png');

    // The memo holds the wake.
    await page.getByText('Memo', { exact: true }).click();
    await page.getByText(`"wakeId": "${wakeId}"`).first().waitFor({ state: 'visible' });
    await shot('05-memo.png');
  });
});
