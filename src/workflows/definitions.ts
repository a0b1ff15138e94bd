import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TailSettings, TailStateView } from './tailState';

/** The names operators and tests rely on; see README "Temporal objects". */
/** Input `{}`, `{probe}` or `{probe, category}`; typed loosely because it arrives from CLIs and is checked on receipt. */
export const resetDebounceSignal = defineSignal<[unknown]>('resetDebounce');
export const updateSettingsSignal = defineSignal<[TailSettings]>('updateSettings');
export const getStateQuery = defineQuery<TailStateView>('getState');
/** From each investigation when it ends: what it really spent against the reservation the tail made. */
export const recordSpendSignal = defineSignal<[unknown]>('recordSpend');

export const ProbeNameKey = defineSearchAttributeKey('ProbeName', SearchAttributeType.KEYWORD);
export const IssueCategoryKey = defineSearchAttributeKey('IssueCategory', SearchAttributeType.KEYWORD);
export const ProbeSeverityKey = defineSearchAttributeKey('ProbeSeverity', SearchAttributeType.KEYWORD);
export const InvestigationOutcomeKey = defineSearchAttributeKey('InvestigationOutcome', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['ProbeName', 'IssueCategory', 'ProbeSeverity', 'InvestigationOutcome'] as const;
