import { TAXONOMY } from '../taxonomy/rules.js';
import type { Call } from './call.js';
import { report } from './context.js';
import { commandsOf, leastRisk, scriptKind, UNJUDGED } from './script-kinds.js';

/** The findings a written script shows at most in its detail. */
const SHOWN = 3;

/**
 * `cat > run.sh <<EOF … EOF`, `echo 'curl … | sh' >> Makefile`, `tee package.json`: a script written by this
 * command and run by a later call is judged as its commands typed, and the write is as risky as they are (a
 * tier below a deny: writing is not running).
 */
export function judgeScriptWritten(c: Call, target: string, text: string): void {
  const kind = scriptKind(target, text);
  if (!kind || c.ctx.depth > 4) return;
  const found = new Map<string, number>();
  for (const command of commandsOf(kind, text, true).slice(0, 256))
    for (const f of c.trial(command))
      if (!UNJUDGED.has(f.rule) && TAXONOMY[f.rule].risk >= leastRisk(kind))
        found.set(`${f.rule}: ${f.detail}`, TAXONOMY[f.rule].risk);
  if (found.size === 0) return;
  const top = Math.max(...found.values());
  if (top < 0.4) return;
  const shown = [...found]
    .sort((a, b) => b[1] - a[1])
    .slice(0, SHOWN)
    .map(([k]) => k);
  const detail = `${target} (${kind}) by ${c.name}: ${shown.join('; ')}${found.size > SHOWN ? `; ${found.size - SHOWN} more` : ''}`;
  report(c.ctx, top >= 0.7 ? 'exec.script-written' : 'exec.script-written-ask', detail);
}
