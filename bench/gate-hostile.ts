/**
 * `npm run bench:gate-hostile [-- --kib 256]`: one gate decision on each of a set of hostile shell texts at the
 * size limit (constructs whose parse or scan grows faster than the text: unclosed expansions, nesting, long
 * lists), beside the analysis budget for that size. The gate runs in the agent's hook, whose timeout lets the
 * tool run, and in the server's hook endpoint on the event loop every approval shares: a decision must stay
 * near its budget whatever the text. Prints each time, the worst, and whether the worst is within twice the
 * budget (what is not parsing, e.g. walking 80,000 commands, cannot be cut short).
 */
import { parseArgs } from 'node:util';
import {
  analysisBudgetMs,
  createGate,
  loadPolicy,
  MAX_ANALYSED_CHARS,
  shellParserBroken,
} from '../gate/index.js';

const { values } = parseArgs({
  options: { kib: { type: 'string', default: String(MAX_ANALYSED_CHARS / 1024) } },
});
const size = Math.min(Number(values.kib) * 1024, MAX_ANALYSED_CHARS);
const fill = (unit: string, before = '', after = '') =>
  before + unit.repeat(Math.max(1, Math.floor((size - before.length - after.length) / unit.length))) + after;

const CASES: Record<string, string> = {
  'unclosed ${': fill('${'),
  'unclosed $((': fill('$(('),
  'unclosed $(': fill('$('),
  backquotes: fill('`'),
  'quoted $(a)': fill('$(a)', 'echo "', '"'),
  'alternating quotes': fill(`"'`),
  'subscripts a[': fill('a['),
  'subscript with $(': fill('a[$(', 'let '),
  'quote in arithmetic': fill("(( '"),
  'list of commands': fill('ls;'),
  pipeline: fill('cat x | ', '', 'cat'),
  'line continuations': fill('a\\\n'),
  'here-document starts': fill('cat <<E\n'),
  'here-document body': fill('line\n', "cat > f <<'EOF'\n", 'EOF'),
  'here-document continuations': fill('a\\\n', 'cat <<EOF\n', '\nEOF'),
  'braces {': fill('{ '),
  'eval chain': fill('eval '),
  words: fill('x ', 'echo '),
  'nested bash -c': `bash -c "${'bash -c \\"'.repeat(2000)}ls"`,
  "ANSI-C $'…'": fill('\\x41', "echo $'", "'"),
  'function definitions': fill('f(){ f; };'),
  'case arms': fill('a) ;; ', 'case x in ', 'esac'),
  'process substitutions': fill('<(', 'cat '),
  // The credential scan (gate/credential-literal.ts): its spellings, URL passwords, header values, prefixes.
  'URL user:password': fill('x://u:p', 'curl '),
  'bearer values': fill('Bearer a1', 'curl -H "', '"'),
  'token prefixes': fill('ghp_', 'echo '),
  'percent escapes': fill('%67', 'curl https://x.example/?t='),
  // Last: it may exhaust the grammar's memory, after which this process parses nothing (decisions fail closed).
  'documentation alternatives': fill('[--a|--b] ', 'cmd '),
};

const gate = await createGate({ policy: await loadPolicy({}), workspace: '/tmp/project' });
await gate.decideAsync({ command: 'ls' });
const budget = analysisBudgetMs(size);
let worst = 0;
let worstName = '';
process.stdout.write(
  `gate decision on hostile text of ${Math.round(size / 1024)} KiB (budget ${Math.round(budget)} ms)\n`,
);
for (const [name, command] of Object.entries(CASES)) {
  const t0 = performance.now();
  const d = await gate.decideAsync({ command });
  const ms = performance.now() - t0;
  if (ms > worst) [worst, worstName] = [ms, name];
  const rules = [...new Set(d.reasons.map((r) => r.rule_id))].slice(0, 3).join(', ');
  process.stdout.write(
    `  ${name.padEnd(24)} ${ms.toFixed(0).padStart(6)} ms  ${d.decision.padEnd(5)} ${rules}\n`,
  );
}
if (shellParserBroken())
  process.stdout.write("(the last case exhausted the grammar's memory: its module aborted, as designed)\n");
const ok = worst <= 2 * budget;
process.stdout.write(
  `worst: ${worst.toFixed(0)} ms (${worstName}) = ${(worst / budget).toFixed(2)} × the budget; target <= 2 ×: ${ok ? 'MET' : 'NOT MET'}\n`,
);
process.exitCode = ok ? 0 : 1;
