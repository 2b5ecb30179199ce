import { quantile } from 'simple-statistics';

/** The p-th percentile (0..100) of unsorted values (simple-statistics' quantile); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  return values.length === 0 ? 0 : quantile([...values], p / 100);
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}
