import type { TurnUsage } from './agent';

/**
 * The daily spend budget on investigations. The ledger is plain data in the
 * tail workflow's state (durable, one writer), keyed by UTC day. The tail
 * reserves an estimate when it dispatches; the investigation settles the real
 * cost afterwards, so concurrent investigations cannot overrun the budget.
 */
export interface PriceBand {
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheRead: number;
  /** 5-minute cache writes (probe-wake marks its cache breakpoints ephemeral, 5 min). */
  cacheWrite: number;
}

/**
 * A model's prices. Some models charge more for every token of a turn whose prompt
 * (input + cache reads + cache writes) is longer than a threshold: claude-haiku-5-5
 * above 100,000 prompt tokens (https://platform.claude.com/docs/en/models/haiku-5-5/overview,
 * https://platform.claude.com/docs/en/about-claude/pricing).
 */
export interface ModelPrice extends PriceBand {
  longPrompt?: PriceBand & { overTokens: number };
}

export interface DaySpend {
  spentUsd: number;
  /** Estimates held for investigations still running. */
  reservedUsd: number;
  halted: number;
}

export type SpendLedger = Record<string, DaySpend>;

export interface CostPolicy {
  /** Undefined: no budget, nothing is ever halted. */
  dailyBudgetUsd?: number;
  /** What one investigation is assumed to cost until it reports back. */
  reserveUsd: number;
}

/** The cost ladder's decision for one investigation, made by the tail at dispatch and carried by the child. */
export type Reservation = GrantedReservation | { granted: false; day: string };
export interface GrantedReservation {
  granted: true;
  /** UTC day the reservation counts against. */
  day: string;
  reservedUsd: number;
}

/** What an investigation really spent against the reservation it was granted (the recordSpend signal). */
export interface SpendReport {
  reservation: GrantedReservation;
  spentUsd: number;
}

const KEEP_DAYS = 7;
const EMPTY: DaySpend = { spentUsd: 0, reservedUsd: 0, halted: 0 };

export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The band one turn is priced in: each turn on its own, by its own prompt length. */
export function priceBandFor(usage: TurnUsage, price: ModelPrice): PriceBand {
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  return price.longPrompt && promptTokens > price.longPrompt.overTokens ? price.longPrompt : price;
}

export function costOf(usage: TurnUsage, modelPrice: ModelPrice | undefined): number {
  if (!modelPrice) return 0;
  const price = priceBandFor(usage, modelPrice);
  const usd =
    usage.inputTokens * price.input +
    usage.outputTokens * price.output +
    usage.cacheReadTokens * price.cacheRead +
    usage.cacheWriteTokens * price.cacheWrite;
  return roundUsd(usd / 1_000_000);
}

/** The worst case of one investigation: every turn with a full prompt and a full answer. */
export function reserveEstimate(price: ModelPrice | undefined, maxTurns: number, maxOutputTokens: number, promptTokens = 6000): number {
  if (!price) return 0;
  return roundUsd((maxTurns * (promptTokens * price.input + maxOutputTokens * price.output)) / 1_000_000);
}

/** Grants the next investigation unless it would take today's spend past the budget. */
export function reserve(ledger: SpendLedger, day: string, policy: CostPolicy): { ledger: SpendLedger; reservation: Reservation } {
  const today = ledger[day] ?? EMPTY;
  const budget = policy.dailyBudgetUsd;
  if (budget !== undefined && today.spentUsd + today.reservedUsd + policy.reserveUsd > budget) {
    return { ledger: { ...ledger, [day]: { ...today, halted: today.halted + 1 } }, reservation: { granted: false, day } };
  }
  return {
    ledger: { ...ledger, [day]: { ...today, reservedUsd: roundUsd(today.reservedUsd + policy.reserveUsd) } },
    reservation: { granted: true, day, reservedUsd: policy.reserveUsd },
  };
}

/** Replaces a reservation by what the investigation really spent. */
export function settle(ledger: SpendLedger, { reservation, spentUsd }: SpendReport): SpendLedger {
  const { day, reservedUsd } = reservation;
  const today = ledger[day] ?? EMPTY;
  return {
    ...ledger,
    [day]: {
      ...today,
      reservedUsd: roundUsd(Math.max(0, today.reservedUsd - reservedUsd)),
      spentUsd: roundUsd(today.spentUsd + spentUsd),
    },
  };
}

/** Keeps the last few days, so the ledger stays small across continue-as-new. */
export function pruneDays(ledger: SpendLedger, today: string): SpendLedger {
  const days = Object.keys(ledger).sort().slice(-KEEP_DAYS);
  if (!days.includes(today) && days.length === KEEP_DAYS) days.shift();
  return Object.fromEntries(days.map((day) => [day, ledger[day]!]));
}

function roundUsd(usd: number): number {
  // Hundredths of a micro-dollar: small enough for one cheap turn, round enough to read.
  return Math.round(usd * 1e8) / 1e8;
}
