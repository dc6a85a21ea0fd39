/**
 * Gmail's per-mailbox quota as Google enforces it, pure arithmetic on [time, units] pairs: the per-minute
 * quota, and a moving average over a short window (docs/rules.md, reading 9): no `averageSeconds` window may take
 * more than that many seconds of the per-second rate (the minute's figure ÷ 60). Spending a minute's budget
 * in its first seconds is refused, as Google refuses it.
 */

export const QUOTA_WINDOW_MS = 60_000;
/** The moving average's window: the burst Google tolerates is two seconds of the per-second rate (reading 9). */
export const DEFAULT_AVERAGE_SECONDS = 2;

/** Which limit refused a call: the minute's quota or the per-second moving average. */
export type QuotaRefusal = "per_minute" | "per_second";

/** Spends `cost` units if both limits have room; a refused call spends nothing. */
export function spendQuota(
  spent: ReadonlyArray<readonly [number, number]>,
  now: number,
  cost: number,
  limit: number,
  averageSeconds = DEFAULT_AVERAGE_SECONDS,
): { ok: true; spent: Array<[number, number]> } | { ok: false; spent: Array<[number, number]>; refused: QuotaRefusal } {
  const recent = spent.filter(([at]) => at > now - QUOTA_WINDOW_MS).map(([at, units]): [number, number] => [at, units]);
  const used = recent.reduce((sum, [, units]) => sum + units, 0);
  if (used + cost > limit) return { ok: false, spent: recent, refused: "per_minute" };
  const windowMs = averageSeconds * 1000;
  const short = recent.filter(([at]) => at > now - windowMs).reduce((sum, [, units]) => sum + units, 0);
  // A single call larger than the short window's share passes only into an empty window.
  if (short > 0 && short + cost > (limit / 60) * averageSeconds)
    return { ok: false, spent: recent, refused: "per_second" };
  return { ok: true, spent: [...recent, [now, cost]] };
}
