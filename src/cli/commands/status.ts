import type { Command } from 'commander';
import { getStateQuery, type TailStateView } from '../../api';
import { CliError, cliConfig, errorText, output, withTemporal } from '../context';
import { readOutbox, renderOutbox } from '../outbox';
import { formatTable } from '../table';
import { renderSilences } from './silences';
import { tailHandle } from '../tail';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("show the tail workflow's state (getState query): cursor, counters, open debounce windows")
    .option('--json', 'print the raw getState result as JSON')
    .action(async (options: { json?: boolean }) => {
      const config = cliConfig();
      await withTemporal(config, async ({ client, target, namespace }) => {
        const handle = await tailHandle(client, config);
        let state: TailStateView;
        try {
          state = await handle.query(getStateQuery);
        } catch (err) {
          // A tail whose workflow task fails cannot answer queries: say so in one line, not a stack trace.
          throw new CliError(`cannot query tail ${handle.workflowId} in namespace ${namespace}: ${withCause(err)} (\`probe-wake doctor\` shows why)`);
        }
        const outbox = await readOutbox(client, config);
        output(options.json === true, { ...state, outbox: outbox ?? null }, () =>
          [renderState(state, `${handle.workflowId} on ${target.address} (namespace ${namespace})`), ...renderOutbox(outbox)].join('\n'),
        );
      });
    });
}

export function renderState(state: TailStateView, where: string): string {
  const { settings, counters, cursor } = state;
  const lines = [
    `Tail ${where}`,
    `  audit log       ${settings.auditLogPath}`,
    `  cursor          ${cursor ? `offset ${cursor.offset} (inode ${cursor.inode})` : 'not stamped yet (first read pending)'}`,
    `  poll            every ${settings.pollSeconds} s`,
    `  debounce        ${settings.debounce.windowSeconds === 0 ? 'off' : `${settings.debounce.windowSeconds} s`}${settings.debounce.bypassCritical ? ', critical wakes bypass' : ''}`,
    `  window rules    ${describeRules(settings.windowRules)}`,
  ];
  lines.push(`  spend today     ${describeSpend(state.spendToday)}`);
  if (state.lastReadError) lines.push(`  last read error ${state.lastReadError}`);
  if (state.lastReadInterruption) lines.push(`  last read interrupted ${state.lastReadInterruption}`);
  lines.push(
    '',
    'Counters',
    formatTable(
      ['rows read', 'wakes', 'investigations', 'debounced', 'silenced', 'held', 'recovered', 'reset', 'flapping', 'storms', 'bad rows', 'read errors', 'restarts', 'continued-as-new'],
      [
        [
          counters.rowsRead,
          counters.wakes,
          counters.investigationsStarted,
          counters.debounced,
          counters.silenced,
          counters.held,
          counters.recovered,
          counters.windowsReset,
          counters.flappingWindows,
          counters.storms,
          counters.badRows,
          counters.readErrors,
          counters.restarts,
          counters.continuedAsNew,
        ].map(String),
      ],
    ).replace(/^/gm, '  '),
    '',
  );
  if (state.windows.length === 0) {
    lines.push('Open debounce windows: none');
  } else {
    lines.push(
      `Open debounce windows (${state.windows.length})`,
      formatTable(
        ['probe', 'category', 'opened', 'expires', 'wakes', 'last seen', 'healthy', 'flapping', 'buffered', 'investigation'],
        state.windows.map((w) => [
          w.probe,
          w.category,
          w.openedAt,
          w.expiresAt,
          String(w.wakes),
          w.lastSeenAt,
          String(w.healthyStreak),
          w.flapping ? `${w.flapping.windows} windows in ${describeSeconds(w.flapping.periodSeconds)}` : '-',
          w.buffered ? `${w.buffered.wakes} wakes in ${describeSeconds(w.buffered.seconds)}` : '-',
          w.investigationWorkflowId,
        ]),
      ).replace(/^/gm, '  '),
    );
  }
  if (state.held.length > 0) {
    lines.push(
      '',
      `Held wakes, no window yet (${state.held.length})`,
      formatTable(['probe', 'category', 'wakes', 'first seen'], state.held.map((h) => [h.probe, h.category, String(h.wakes), h.firstSeenAt])).replace(/^/gm, '  '),
    );
  }
  if (state.flapping.length > 0) {
    lines.push(
      '',
      `Flapping pairs (${state.flapping.length})`,
      formatTable(['probe', 'category', 'windows', 'over'], state.flapping.map((f) => [f.probe, f.category, String(f.windows), describeSeconds(f.periodSeconds)])).replace(/^/gm, '  '),
    );
  }
  if (state.storm) {
    const s = state.storm;
    lines.push('', `Storm since ${s.startedAt}: ${s.pairs} pairs, digest ${s.digestKey} (revision ${s.sentRevision} sent${s.pending ? ', more pairs joined since' : ''})`);
  }
  lines.push('', ...silenceLines(state.silences));
  return lines.join('\n');
}

function silenceLines(silences: TailStateView['silences']): string[] {
  if (silences.length === 0) return ['Active silences: none'];
  return [`Active silences (${silences.length})`, renderSilences(silences).replace(/^/gm, '  ')];
}

function describeRules(rules: TailStateView['settings']['windowRules'] | undefined): string {
  if (!rules) return 'defaults';
  const flap = rules.flap.windows === 0 ? 'flapping off' : `flapping at ${rules.flap.windows} windows in ${describeSeconds(rules.flap.periodSeconds)} (up to ${describeSeconds(rules.flap.maxWindowSeconds)})`;
  const storm = rules.storm.threshold === 0 ? 'storm digest off' : `storm over ${rules.storm.threshold} windows in ${rules.storm.groupSeconds} s`;
  const held = rules.minWakes.wakes > 1 ? `, opens at ${rules.minWakes.wakes} wakes in ${rules.minWakes.withinSeconds} s` : '';
  return `recovery after ${rules.recoveryConfirmations} healthy results, ${flap}, ${storm}${held}`;
}

/** 7200 → "2 h", 90 → "90 s", 1500 → "25 min". */
export function describeSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 120) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

/** `$0.0123 spent, $0.0720 held by running investigations, budget $5 (2 halted)` for the UTC day. */
function describeSpend(spend: TailStateView['spendToday'] | undefined): string {
  if (!spend) return 'unknown (tail predates the cost ladder)';
  const usd = (value: number) => `$${value.toFixed(4)}`;
  const budget = spend.budgetUsd === null ? 'no budget' : `budget ${usd(spend.budgetUsd)}${spend.halted ? ` (${spend.halted} halted)` : ''}`;
  return `${usd(spend.spentUsd)} spent, ${usd(spend.reservedUsd)} held by running investigations, ${budget} (${spend.day} UTC)`;
}

/** `Failed to query Workflow` says little alone: add the server's reason, still on one line. */
function withCause(err: unknown): string {
  const text = errorText(err);
  const cause = (err as { cause?: { details?: unknown; message?: unknown } }).cause;
  const reason = typeof cause?.details === 'string' ? cause.details : typeof cause?.message === 'string' ? cause.message : '';
  const first = reason.split('\n')[0]?.trim() ?? '';
  return first && !text.includes(first) ? `${text}: ${first}` : text;
}
