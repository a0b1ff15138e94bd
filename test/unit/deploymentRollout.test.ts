import { rolloutDecision } from '../../src/domain/deploymentRollout';

const A = { buildId: '0.1.0-aaaaaaaaaaaa', createdAtMs: 1_000 };
const B = { buildId: '0.1.0-bbbbbbbbbbbb', createdAtMs: 2_000 };

describe('who becomes the current version', () => {
  it('a first build becomes current; a build already current stays', () => {
    expect(rolloutDecision(A.buildId, undefined, [A])).toBe('become_current');
    expect(rolloutDecision(A.buildId, A.buildId, [A])).toBe('already_current');
  });

  it('a newer build takes over; an older one restarting during the rollout does not take it back', () => {
    expect(rolloutDecision(B.buildId, A.buildId, [A, B])).toBe('become_current');
    expect(rolloutDecision(A.buildId, B.buildId, [A, B])).toBe('newer_is_current');
  });

  it('waits until its own pollers are registered', () => {
    expect(rolloutDecision(B.buildId, A.buildId, [A])).toBe('not_registered');
  });

  it('two builds first seen at the same instant agree on one', () => {
    const B0 = { ...B, createdAtMs: A.createdAtMs };
    expect(rolloutDecision(B0.buildId, A.buildId, [A, B0])).toBe('become_current');
    expect(rolloutDecision(A.buildId, B0.buildId, [A, B0])).toBe('newer_is_current');
  });
});
