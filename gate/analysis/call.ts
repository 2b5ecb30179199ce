import type { Finding } from '../taxonomy/rules.js';
import type { AnalysisContext } from './context.js';
import type { SimpleCommand } from './script.js';

/** One program invocation being analysed: the program name, its arguments and helpers to recurse. */
export interface Call {
  name: string;
  args: string[];
  cmd: SimpleCommand;
  ctx: AnalysisContext;
  cwd: string | undefined;
  /** Analyses another argv as if run here (`find -exec`, `xargs`, `sudo`). */
  run(argv: string[]): void;
  /** Analyses shell text (`bash -c`, `eval`, heredocs). */
  shell(text: string): void;
  /** What running an argv (or, given a string, shell text) here would find, without reporting it. */
  trial(what: string[] | string): Finding[];
}

export type Handler = (c: Call) => void;

/**
 * Short-flag clusters spelled out: `-sd@.env` is `-s -d @.env` when `d` takes a value (`letters`), so the
 * value is found whichever flag comes first. A cluster led by a value flag (`-XPOST`) is left as it is.
 */
export function splitClusters(args: readonly string[], letters: string): string[] {
  const out: string[] = [];
  for (const a of args) {
    const m = /^-([a-zA-Z]+)(.*)$/.exec(a);
    if (!m || a.startsWith('--') || letters.includes(a[1] as string)) {
      out.push(a);
      continue;
    }
    const cluster = `${m[1]}${m[2]}`;
    const at = [...cluster].findIndex((ch) => letters.includes(ch));
    if (at <= 0) out.push(a);
    else {
      for (const ch of cluster.slice(0, at)) out.push(`-${ch}`);
      out.push(`-${cluster[at]}`);
      if (at + 1 < cluster.length) out.push(cluster.slice(at + 1));
    }
  }
  return out;
}

/** Non-option arguments, skipping the values of options listed in `withValue`. */
export function operands(args: string[], withValue: readonly string[] = []): string[] {
  const out: string[] = [];
  let end = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (end || !a.startsWith('-') || a === '-') out.push(a);
    else if (a === '--') end = true;
    else if (withValue.includes(a)) i++;
  }
  return out;
}

/** True when a short-flag cluster or long flag is present (`-rf` has r and f). */
export function hasFlag(args: string[], short: string, long?: string): boolean {
  return args.some(
    (a) =>
      (long !== undefined && (a === long || a.startsWith(`${long}=`))) ||
      (/^-[a-zA-Z]+$/.test(a) && a.includes(short)),
  );
}

/** Every value of an option given as `-o v`, `-ov`, `--opt v` or `--opt=v`, in order. */
export function optionValues(args: string[], names: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = optionValue([args[i] ?? '', args[i + 1] ?? ''], names);
    if (v === undefined) continue;
    out.push(v);
    if (names.includes(args[i] ?? '')) i++;
  }
  return out;
}

/** Value of an option given as `-o v`, `-ov`, `--opt v` or `--opt=v`. */
export function optionValue(args: string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    for (const n of names) {
      if (a === n) return args[i + 1];
      if (n.startsWith('--') && a.startsWith(`${n}=`)) return a.slice(n.length + 1);
      if (!n.startsWith('--') && a.startsWith(n) && a.length > n.length) return a.slice(n.length);
    }
  }
  return undefined;
}
