/** Gmail's per-mailbox quota: units spent in the last minute, pure arithmetic on [time, units] pairs. */

const QUOTA_WINDOW_MS = 60_000;

/** Spends `cost` units if the last minute has room; a refused call spends nothing. */
export function spendQuota(
  spent: ReadonlyArray<readonly [number, number]>,
  now: number,
  cost: number,
  limit: number,
): { ok: boolean; spent: Array<[number, number]> } {
  const recent = spent.filter(([at]) => at > now - QUOTA_WINDOW_MS).map(([at, units]): [number, number] => [at, units]);
  const used = recent.reduce((sum, [, units]) => sum + units, 0);
  if (used + cost > limit) return { ok: false, spent: recent };
  return { ok: true, spent: [...recent, [now, cost]] };
}
