import type { AskModelInput } from '../../src/activities/askModel';
import type { PreparedInvestigation } from '../../src/activities/prepareInvestigation';
import type { AppendResult } from '../../src/activities/appendInvestigationRow';
import type { LlmTurn } from '../../src/domain/agent';
import type { Wake } from '../../src/domain/auditRow';

export const NO_USAGE = { inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 };

/** A signed thinking block first, as claude-haiku-5-5 answers by default (test/support/fakeAnthropic.ts). */
export const MOCK_THINKING = { type: 'thinking' as const, thinking: '', signature: 'sig-mock' };
export const MOCK_REQUEST_ID = 'req_mock';

export function textTurn(text: string, extra: Partial<LlmTurn> = {}): LlmTurn {
  return {
    content: [MOCK_THINKING, ...(text ? [{ type: 'text' as const, text }] : [])],
    stopReason: 'end_turn',
    model: 'm',
    usage: NO_USAGE,
    costUsd: 0,
    requestId: MOCK_REQUEST_ID,
    ...extra,
  };
}

/**
 * Mocked engine activities for workflow tests that are about something else
 * (the tail, debounce): every investigation answers `text` in one turn.
 * Integration tests use the real activities over fake HTTP servers instead.
 */
export function mockModel(onWake: (wake: Wake) => void, askModel: (input: AskModelInput) => Promise<LlmTurn> = async () => textTurn('diagnosis')) {
  return {
    prepareInvestigation: async ({ wake }: { wake: Wake }): Promise<PreparedInvestigation> => {
      onWake(wake);
      return { user: `wake ${wake.wakeId}`, promptVersion: 'test' };
    },
    askModel,
    runInvestigationTool: async () => ({ content: '{}' }),
    appendInvestigationRow: async (): Promise<AppendResult> => ({ appended: true }),
    // The incident's settings (a local activity): no Web UI link in these tests.
    incidentSettings: async () => ({}),
  };
}
