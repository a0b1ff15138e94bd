/**
 * Safe upgrades: histories recorded from real runs (npm run record-histories)
 * replay against the current workflow code. A change that would break
 * workflows already running in production (a new, removed or reordered
 * activity, timer or child) throws DeterminismViolationError here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { quietRuntime, workflowBundle } from '../support/temporal';

interface Recorded {
  file: string;
  workflowId: string;
  workflowType: string;
  scenario: string;
}

const DIR = path.resolve(__dirname, '..', 'fixtures', 'histories');
const INDEX = JSON.parse(readFileSync(path.join(DIR, 'index.json'), 'utf8')) as Recorded[];
const history = (r: Recorded) =>
  JSON.parse(readFileSync(path.join(DIR, r.file), 'utf8')) as { events: Array<{ eventType: string; markerRecordedEventAttributes?: { markerName?: string } }> };
const histories = (records: Recorded[]) => records.map((r) => ({ workflowId: r.workflowId, history: history(r) }));

async function replayAll(bundle: WorkflowBundleWithSourceMap, records: Recorded[]) {
  const results = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'probe-wake-replay' }, histories(records))) results.push(result);
  return results;
}

beforeAll(() => quietRuntime());

describe('recorded histories', () => {
  it('cover the happy path, a tool-using investigation, the fallback, a Slack failure, a whole incident and a tail run with debounce and continue-as-new', () => {
    const files = [
      'investigation-fallback.json',
      'investigation-happy.json',
      'investigation-incident.json',
      'investigation-slack-failure.json',
      'investigation-with-tools.json',
      'tail-debounce-continue-as-new.json',
    ];
    expect(INDEX.map((r) => r.file).sort()).toEqual(files);
    const events = (file: string) => history(INDEX.find((r) => r.file === file)!).events;
    const count = (file: string, type: string) => events(file).filter((e) => e.eventType === type).length;
    const localActivities = (file: string) => events(file).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length;
    // Model turn(s) [+ tool] and each hand-over to the outbox (alert, diagnosis edit, details reply; in the incident
    // also the repeats edit, the recovery reply and the root marked recovered) are activities; the incident settings,
    // the started row, prepare, the delivery settings and the completed row are local activities. A root Slack never
    // took (the Slack failure) gets no details reply.
    const activities = {
      'investigation-fallback.json': 1 + 3,
      'investigation-happy.json': 1 + 3,
      'investigation-incident.json': 1 + 6,
      'investigation-slack-failure.json': 1 + 2,
      'investigation-with-tools.json': 3 + 3,
    };
    for (const [file, scheduled] of Object.entries(activities)) {
      expect(events(file).at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');
      expect({ file, scheduled: count(file, 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED'), local: localActivities(file) }).toEqual({ file, scheduled, local: 5 });
    }
    // The incident took the tail's two window signals (beside the outbox's reports).
    const signals = events('investigation-incident.json').filter((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED') as Array<{ workflowExecutionSignaledEventAttributes?: { signalName?: string } }>;
    expect(signals.map((e) => e.workflowExecutionSignaledEventAttributes?.signalName).filter((name) => name !== 'messageReport')).toEqual(['windowRepeats', 'windowClosed']);
    const tail = 'tail-debounce-continue-as-new.json';
    expect(events(tail).at(-1)!.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(count(tail, 'EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED')).toBe(3);
    // No patch markers: workflow changes roll out by Worker Versioning, not patched() branches.
    for (const r of INDEX) expect(events(r.file).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
  });
});

describe('replay against the current workflow code', () => {
  it('replays every recorded history without a determinism violation', async () => {
    const results = await replayAll(await workflowBundle(), INDEX);
    expect(results.map((r) => ({ workflowId: r.workflowId, error: r.error ? `${r.error.name}: ${r.error.message}` : undefined }))).toEqual(
      INDEX.map((r) => ({ workflowId: r.workflowId, error: undefined })),
    );
  });

  it('fails with DeterminismViolationError against a deliberately altered investigation workflow', async () => {
    const altered = await bundleWorkflowCode({ workflowsPath: require.resolve('./replay/alteredWorkflows'), logger: new DefaultLogger('WARN') });
    const investigations = INDEX.filter((r) => r.workflowType === 'probeInvestigationWorkflow');
    const results = await replayAll(altered, investigations);
    expect(results).toHaveLength(5);
    for (const result of results) expect(result.error).toBeInstanceOf(DeterminismViolationError);
    // The tail is unchanged in that module and still replays.
    const tail = await replayAll(altered, INDEX.filter((r) => r.workflowType === 'probeTailWorkflow'));
    expect(tail.map((r) => r.error)).toEqual([undefined]);
  });
});
