import type { TailCounters } from '../api';
import type { SpendLedger } from '../domain/costLadder';
import { initialWindowState, type WindowState } from '../domain/windowBatch';
import { emptySilences, type SilenceTable } from '../domain/silences';
import type { AuditCursor } from '../domain/tailTypes';

/** Everything carried across continue-as-new (the tail's own; clients see TailStateView in src/api.ts). */
export interface TailState extends WindowState {
  cursor: AuditCursor | null;
  counters: TailCounters;
  /** Investigation spend by UTC day (the cost ladder's durable ledger). */
  spend: SpendLedger;
  /** Operators' silences (their expiry is workflow time). */
  silences: SilenceTable;
  lastReadError?: string;
  lastReadInterruption?: string;
}

export function initialState(): TailState {
  return {
    cursor: null,
    ...initialWindowState(),
    spend: {},
    silences: emptySilences(),
    counters: {
      rowsRead: 0,
      wakes: 0,
      investigationsStarted: 0,
      debounced: 0,
      silenced: 0,
      badRows: 0,
      readErrors: 0,
      readsInterrupted: 0,
      restarts: 0,
      restartsByReason: {},
      rowsFromRotatedFile: 0,
      continuedAsNew: 0,
      recovered: 0,
      windowsReset: 0,
      held: 0,
      flappingWindows: 0,
      storms: 0,
      signalsUndelivered: 0,
    },
  };
}
