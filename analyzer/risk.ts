import type { RiskFactor, Severity } from '../schema/index.js';

/** How much one detector's alert moves a session's risk, by severity (data, tuned on the eval). */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  info: 0.05,
  low: 0.15,
  medium: 0.35,
  high: 0.6,
  critical: 0.85,
};

/** More distinct actions behind one detector make it more certain, up to a cap. */
const CORROBORATION = 0.05;
const MAX_WEIGHT = 0.95;

/**
 * Fuses detector findings into one risk in 0..1: independent evidence, 1 - Π(1 - w). Each factor says what it
 * contributed, so the number is explained.
 */
export function fuseRisk(
  findings: readonly { detector: string; title: string; severity: Severity; evidence: number }[],
): { risk: number; factors: RiskFactor[] } {
  let keep = 1;
  const factors: RiskFactor[] = [];
  for (const f of findings) {
    const w = Math.min(
      MAX_WEIGHT,
      SEVERITY_WEIGHT[f.severity] + CORROBORATION * Math.max(0, Math.min(4, f.evidence - 1)),
    );
    keep *= 1 - w;
    factors.push({
      detector: f.detector,
      weight: Math.round(w * 100) / 100,
      text: `${f.title} (${f.severity}, ${f.evidence} action${f.evidence === 1 ? '' : 's'})`,
    });
  }
  factors.sort((a, b) => b.weight - a.weight);
  return { risk: Math.round((1 - keep) * 1000) / 1000, factors };
}
