/**
 * Reconnect delays: 1 s doubling to 32 s, as innovaphone's AppWebsocket does (§1), with
 * jitter so that a PBX restart is not met by every client at the same instant.
 * Each delay is drawn from [base/2, base].
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  random: () => number;
}

export const defaultBackoff: BackoffOptions = { initialMs: 1000, maxMs: 32_000, random: Math.random };

/** Delay before reconnect attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, o: BackoffOptions = defaultBackoff): number {
  const base = Math.min(o.maxMs, o.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base / 2 + (o.random() * base) / 2);
}
