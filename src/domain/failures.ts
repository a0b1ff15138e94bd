/**
 * Failure types shared by activities (which throw them) and workflows (which
 * branch on them and list them as non-retryable where activities are proxied).
 * Kept free of Node imports so workflow code can use it.
 */
export const FailureType = {
  /** No model configured. The string is DESIGN's stable reason code, which still says "engine". */
  modelUnavailable: 'engine_unavailable',
  auditLogUnreadable: 'AuditLogUnreadable',
} as const;

