import type { DaySpend, SpendLedger } from '../domain/costLadder';
import type { DebouncePolicy, WindowTable } from '../domain/debounce';
import type { AuditCursor } from '../domain/tailTypes';

/** Non-secret settings the tail runs with; a running tail takes new ones by the updateSettings update. */
export interface TailSettings {
  auditLogPath: string;
  pollSeconds: number;
  debounce: DebouncePolicy;
  replayFromStart: boolean;
  /** Set search attributes on investigations (needs them registered on the namespace). */
  searchAttributes: boolean;
  /** Continue-as-new once history passes this many events (or when the server suggests it). */
  historyEventLimit: number;
  /**
   * Reads wait (up to the poll interval) for the log to grow, so a wake is seen at once. false: plain
   * polling, a timer between reads.
   */
  waitForGrowth: boolean;
  investigation: InvestigationSettings;
}

/** What each investigation is allowed: turns, and the daily budget the tail enforces at dispatch. */
export interface InvestigationSettings {
  maxSteps: number;
  /** null: no budget. */
  dailyBudgetUsd: number | null;
  /** Held per running investigation until it reports its real cost. */
  reserveUsd: number;
}

export interface TailCounters {
  rowsRead: number;
  wakes: number;
  investigationsStarted: number;
  debounced: number;
  badRows: number;
  readErrors: number;
  /** Times the audit log was read from its start again (rotation, truncation, creation). */
  restarts: number;
  /** `restarts` by cause: rotated, truncated, replaced (deleted and re-created), created. */
  restartsByReason: Record<string, number>;
  /** Rows read from the rest of a rotated file before switching to the new one. */
  rowsFromRotatedFile: number;
  continuedAsNew: number;
}

/** Everything carried across continue-as-new. */
export interface TailState {
  cursor: AuditCursor | null;
  windows: WindowTable;
  counters: TailCounters;
  /** Investigation spend by UTC day (the cost ladder's durable ledger). */
  spend: SpendLedger;
  lastReadError?: string;
}

export interface TailInput {
  settings: TailSettings;
  state?: TailState;
}

export interface WindowView {
  probe: string;
  category: string;
  windowKey: string;
  investigationWorkflowId: string;
  openedAt: string;
  expiresAt: string;
  debounced: number;
}

export interface TailStateView {
  cursor: AuditCursor | null;
  windows: WindowView[];
  counters: TailCounters;
  settings: TailSettings;
  spendToday: DaySpend & { day: string; budgetUsd: number | null };
  lastReadError?: string;
}

export function initialState(): TailState {
  return {
    cursor: null,
    windows: {},
    spend: {},
    counters: { rowsRead: 0, wakes: 0, investigationsStarted: 0, debounced: 0, badRows: 0, readErrors: 0, restarts: 0, restartsByReason: {}, rowsFromRotatedFile: 0, continuedAsNew: 0 },
  };
}

/** Checks settings arriving by update (they may come from a hand-typed CLI command) before the tail uses them. */
export function settingsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'settings must be an object';
  const s = value as Partial<Record<keyof TailSettings, unknown>>;
  const investigation = s.investigation as Partial<Record<keyof InvestigationSettings, unknown>> | undefined;
  const debounce = s.debounce as Partial<Record<'windowSeconds' | 'bypassCritical', unknown>> | undefined;
  const checks: Array<[boolean, string]> = [
    [typeof s.auditLogPath === 'string' && s.auditLogPath !== '', 'auditLogPath must be a non-empty string'],
    [isNumberAtLeast(s.pollSeconds, 0.1), 'pollSeconds must be a number >= 0.1'],
    [typeof debounce === 'object' && debounce !== null, 'debounce must be an object'],
    [isNumberAtLeast(debounce?.windowSeconds, 0), 'debounce.windowSeconds must be a number >= 0'],
    [typeof debounce?.bypassCritical === 'boolean', 'debounce.bypassCritical must be a boolean'],
    [typeof s.replayFromStart === 'boolean', 'replayFromStart must be a boolean'],
    [typeof s.searchAttributes === 'boolean', 'searchAttributes must be a boolean'],
    [isNumberAtLeast(s.historyEventLimit, 10), 'historyEventLimit must be a number >= 10'],
    [typeof s.waitForGrowth === 'boolean', 'waitForGrowth must be a boolean'],
    [typeof investigation === 'object' && investigation !== null, 'investigation must be an object'],
    [isNumberAtLeast(investigation?.maxSteps, 1), 'investigation.maxSteps must be a number >= 1'],
    [investigation?.dailyBudgetUsd === null || isNumberAtLeast(investigation?.dailyBudgetUsd, 0), 'investigation.dailyBudgetUsd must be null or a number >= 0'],
    [isNumberAtLeast(investigation?.reserveUsd, 0), 'investigation.reserveUsd must be a number >= 0'],
  ];
  return checks.find(([ok]) => !ok)?.[1];
}

function isNumberAtLeast(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= min;
}
