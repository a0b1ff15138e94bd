import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SpendReport } from '../domain/costLadder';
import type { TailSettings, TailStateView } from './tailState';

/** The names operators and tests rely on; see README "Temporal objects". */
/**
 * Input `{}`, `{probe}` or `{probe, category}`; typed loosely because it arrives from CLIs and is checked on receipt.
 * A signal, not an Update: operators send it with the stock CLIs, and `tctl` can only signal.
 */
export const resetDebounceSignal = defineSignal<[unknown]>('resetDebounce');
/** New settings for a running tail; the validator refuses bad ones to the caller. Answers the settings now in force. */
export const updateSettingsUpdate = defineUpdate<TailSettings, [TailSettings]>('updateSettings');
export const getStateQuery = defineQuery<TailStateView>('getState');
/** From each investigation when it ends: what it really spent against the reservation the tail made. */
export const recordSpendSignal = defineSignal<[SpendReport]>('recordSpend');

export const ProbeNameKey = defineSearchAttributeKey('ProbeName', SearchAttributeType.KEYWORD);
export const IssueCategoryKey = defineSearchAttributeKey('IssueCategory', SearchAttributeType.KEYWORD);
export const ProbeSeverityKey = defineSearchAttributeKey('ProbeSeverity', SearchAttributeType.KEYWORD);
export const InvestigationOutcomeKey = defineSearchAttributeKey('InvestigationOutcome', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['ProbeName', 'IssueCategory', 'ProbeSeverity', 'InvestigationOutcome'] as const;
