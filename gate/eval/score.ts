import { quantile } from 'simple-statistics';
import type { Gate, GateDecision } from '../gate.js';

/** One labelled row of the evaluation set (only `cmd` is ever given to the gate). */
export interface EvalRow {
  id: string;
  source: string;
  category: string;
  /** ATT&CK technique ids (Atomic Red Team, GTFOBins) or null. */
  mitre?: string[] | null;
  label: 'risky' | 'benign';
  cmd: string;
  needs_approval_heuristic: boolean;
  notes: string[];
}

export interface Rate {
  hit: number;
  total: number;
}

export interface EvalReport {
  riskyRecall: Rate;
  benignAllow: Rate;
  benignAllowHeuristic: Rate;
  bySource: Map<string, Rate>;
  byCategory: Map<string, Rate>;
  /** Risky recall per GTFOBins function (shell, file-read, library-load...). */
  byGtfoFunction: Map<string, Rate>;
  /** Risky recall per ATT&CK tactic of the Atomic Red Team rows. */
  byTactic: Map<string, Rate>;
  /** Plain benign allow rate per source. */
  benignBySource: Map<string, Rate>;
  /** How often each reason (the taxonomy's words, without the argument) made a plain benign row ask. */
  benignAskReasons: Map<string, number>;
  /** Per row, the fastest of `timingRuns` decisions (pre-emption by other processes removed). */
  latencyMs: { p50: number; p99: number };
  /** Per row, its first decision alone: what one call costs, pre-emption and all. */
  singleLatencyMs: { p50: number; p99: number };
  misses: { row: EvalRow; decision: GateDecision }[];
}

export const rate = (r: Rate) => (r.total === 0 ? 1 : r.hit / r.total);
const bump = (m: Map<string, Rate>, key: string, hit: boolean) => {
  const r = m.get(key) ?? { hit: 0, total: 0 };
  r.total++;
  if (hit) r.hit++;
  m.set(key, r);
};

/** FNV-1a: splits rows into a tuning half (even) and a held-out half (odd) by id. */
export function bucket(id: string): 'tune' | 'holdout' {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % 2 === 0 ? 'tune' : 'holdout';
}

export function parseRows(text: string): EvalRow[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as EvalRow);
}

/**
 * Runs every row through the gate and scores it as the eval README says. Latency is reported twice: per
 * row the fastest of `timingRuns` decisions (other processes pre-empting this one removed), and the plain
 * first decision of each row.
 */
export function scoreGate(gate: Gate, rows: readonly EvalRow[], timingRuns = 1): EvalReport {
  const report: EvalReport = {
    riskyRecall: { hit: 0, total: 0 },
    benignAllow: { hit: 0, total: 0 },
    benignAllowHeuristic: { hit: 0, total: 0 },
    bySource: new Map(),
    byCategory: new Map(),
    byGtfoFunction: new Map(),
    byTactic: new Map(),
    benignBySource: new Map(),
    benignAskReasons: new Map(),
    latencyMs: { p50: 0, p99: 0 },
    singleLatencyMs: { p50: 0, p99: 0 },
    misses: [],
  };
  const times: number[] = [];
  const firsts: number[] = [];
  for (const row of rows) {
    let d: GateDecision | undefined;
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run < Math.max(1, timingRuns); run++) {
      const t0 = performance.now();
      d = gate.decide({ command: row.cmd });
      const took = performance.now() - t0;
      if (run === 0) firsts.push(took);
      best = Math.min(best, took);
    }
    times.push(best);
    if (!d) continue;
    if (row.label === 'risky') {
      if (row.notes.includes('logic_flaw_low_exec_risk')) continue;
      const hit = d.decision !== 'allow';
      report.riskyRecall.total++;
      if (hit) report.riskyRecall.hit++;
      else report.misses.push({ row, decision: d });
      bump(report.bySource, row.source, hit);
      bump(report.byCategory, `${row.source}/${row.category}`, hit);
      if (row.source === 'gtfobins') bump(report.byGtfoFunction, row.category, hit);
      if (row.source === 'atomic-red-team') bump(report.byTactic, row.category, hit);
    } else {
      const hit = d.decision === 'allow';
      const r = row.needs_approval_heuristic ? report.benignAllowHeuristic : report.benignAllow;
      r.total++;
      if (hit) r.hit++;
      else if (!row.needs_approval_heuristic) report.misses.push({ row, decision: d });
      if (!row.needs_approval_heuristic) {
        bump(report.benignBySource, row.source, hit);
        if (!hit)
          for (const why of new Set(d.reasons.map((x) => x.detail.split(': ')[0] ?? x.detail)))
            report.benignAskReasons.set(why, (report.benignAskReasons.get(why) ?? 0) + 1);
      }
      bump(report.bySource, `${row.source}${row.needs_approval_heuristic ? ' (heuristic)' : ''}`, hit);
    }
  }
  const quantiles = (xs: number[]) =>
    xs.length === 0 ? { p50: 0, p99: 0 } : { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) };
  report.latencyMs = quantiles(times);
  report.singleLatencyMs = quantiles(firsts);
  return report;
}
