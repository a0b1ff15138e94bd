import type { DebouncePolicy, WindowTable } from '../domain/debounce';
import type { AuditCursor } from '../domain/tailTypes';

/** Non-secret settings the tail runs with; a running tail takes new ones by the updateSettings signal. */
export interface TailSettings {
  auditLogPath: string;
  pollSeconds: number;
  debounce: DebouncePolicy;
  replayFromStart: boolean;
  /** Set search attributes on investigations (needs them registered on the namespace). */
  searchAttributes: boolean;
  /** Continue-as-new once history passes this many events (or when the server suggests it). */
  historyEventLimit: number;
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
  continuedAsNew: number;
}

/** Everything carried across continue-as-new. */
export interface TailState {
  cursor: AuditCursor | null;
  windows: WindowTable;
  counters: TailCounters;
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
  lastReadError?: string;
}

export function initialState(): TailState {
  return {
    cursor: null,
    windows: {},
    counters: { rowsRead: 0, wakes: 0, investigationsStarted: 0, debounced: 0, badRows: 0, readErrors: 0, restarts: 0, continuedAsNew: 0 },
  };
}
