// Step schedules of BYOL training (Grill et al. 2020, section 3.3 and appendix).

/** Learning rate: linear warm-up from 0 over warmupSteps, then cosine decay to 0 at totalSteps. */
export function learningRateAt(step: number, peak: number, warmupSteps: number, totalSteps: number): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** Target EMA rate: tau = 1 - (1 - tauBase) (cos(pi k / K) + 1) / 2, from tauBase to 1. */
export function emaDecayAt(step: number, tauBase: number, totalSteps: number): number {
  const progress = Math.min(1, step / Math.max(1, totalSteps));
  return 1 - ((1 - tauBase) * (Math.cos(Math.PI * progress) + 1)) / 2;
}
