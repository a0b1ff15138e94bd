/**
 * resetDebounce from the stock CLIs operators already have: `temporal
 * workflow signal` and the real `tctl` (built from its Go module by the e2e
 * setup), exactly as the README shows them, against a running probe-wake.
 */
import { resolveTool, TEMPORAL_CLI } from '../../src/runtime/temporalTools';
import { runCommand, startPipeline, type Pipeline } from '../support/pipeline';
import { eventually } from '../support/poll';

const TCTL_PATH = process.env.PROBE_WAKE_TCTL_PATH;
const TCTL_SKIP = process.env.PROBE_WAKE_TCTL_SKIP;
const TCTL_ERROR = process.env.PROBE_WAKE_TCTL_ERROR;
if (TCTL_SKIP) console.warn(`SKIPPING the tctl resetDebounce test: ${TCTL_SKIP}`);

describe('resetDebounce from the stock CLIs', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline();
  });

  afterAll(async () => {
    await p?.stop();
  });

  /** Waits until the tail has started `count` investigations in all and returns the state. */
  const investigationsStarted = (count: number, what: string) =>
    eventually(async () => {
      const state = await p.state();
      return state.counters.investigationsStarted === count ? state : undefined;
    }, 30_000, what);

  /**
   * Opens a window for (probe, auth) and proves it debounces; signals with
   * `signal`; then proves the window is gone and the next wake dispatches a
   * new investigation with its own workflow ID.
   */
  async function proveReopens(probe: string, signal: () => Promise<{ code: number | null; stdout: string; stderr: string }>): Promise<void> {
    const before = (await p.state()).counters;
    const opener = p.appendWake(probe, 'auth');
    await investigationsStarted(before.investigationsStarted + 1, `the ${probe} window to open`);
    p.appendWake(probe, 'auth');
    await eventually(async () => ((await p.state()).counters.debounced === before.debounced + 1 ? true : undefined), 30_000, 'the second wake to be debounced');
    expect((await p.state()).windows.map((w) => [w.probe, w.windowKey])).toContainEqual([probe, opener]);

    // On failure Jest prints the whole run, the CLI's stderr included.
    expect(await signal()).toMatchObject({ code: 0 });
    await eventually(async () => ((await p.state()).windows.some((w) => w.probe === probe) ? undefined : true), 30_000, `the ${probe} window to be cleared`);

    const next = p.appendWake(probe, 'auth');
    const after = await investigationsStarted(before.investigationsStarted + 2, 'a new investigation after the reset');
    expect(after.counters.debounced).toBe(before.debounced + 1);
    expect(after.windows.find((w) => w.probe === probe)).toMatchObject({ windowKey: next, investigationWorkflowId: `probe-investigation:${probe}:auth:${next}` });
    const described = await p.env.client.workflow.getHandle(`probe-investigation:${probe}:auth:${next}`).describe();
    expect(described.type).toBe('probeInvestigationWorkflow');
  }

  test('temporal workflow signal --workflow-id probe-tail --name resetDebounce reopens the window', async () => {
    await proveReopens('fly', () =>
      runCommand(resolveTool(TEMPORAL_CLI), [
        'workflow', 'signal',
        '--address', p.address, '--namespace', 'default',
        '--workflow-id', 'probe-tail', '--name', 'resetDebounce', '--input', '{"probe":"fly","category":"auth"}',
      ], p.childEnv),
    );
  });

  (TCTL_SKIP ? test.skip : test)('tctl workflow signal --workflow_id probe-tail --name resetDebounce reopens the window', async () => {
    if (TCTL_ERROR || !TCTL_PATH) throw new Error(`tctl could not be set up: ${TCTL_ERROR ?? 'e2e setup did not run'}`);
    await proveReopens('doppler', () =>
      runCommand(TCTL_PATH, [
        '--address', p.address, '--namespace', 'default',
        'workflow', 'signal',
        '--workflow_id', 'probe-tail', '--name', 'resetDebounce', '--input', '{"probe":"doppler","category":"auth"}',
      ], p.childEnv),
    );
  });
});
