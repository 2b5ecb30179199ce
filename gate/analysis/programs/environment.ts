import type { Handler } from '../call.js';
import { report } from '../context.js';
import { filteredHarmlessly, SECRET_VAR } from '../env-filter.js';
import { UNKNOWN } from '../script.js';

/TOKEN|SECRET|PASS(WORD|WD)?\b|PASSWD|_KEY\b|KEY_ID|API_?KEY|PRIVATE|CREDENTIAL|AUTH|SESSION|COOKIE/i;

/** `printenv`, `printenv GITHUB_TOKEN`: prints the environment or a secret from it. */
const printenv: Handler = (c) => {
  const names = c.args.filter((a) => !a.startsWith('-'));
  if (names.length === 0) {
    if (!filteredHarmlessly(c.cmd)) report(c.ctx, 'read.env-secrets', `printenv ${c.args.join(' ')}`.trim());
  } else
    for (const n of names)
      if (SECRET_VAR.test(n) || n.includes(UNKNOWN)) report(c.ctx, 'read.env-secrets', `printenv ${n}`);
};

/** `export -p`, bare `export`, `set`, `declare -p`, `typeset -x`: every variable, tokens included. */
const dumpsVariables: Handler = (c) => {
  if (c.cmd.assigns.length > 0) return;
  const ops = c.args.filter((a) => !a.startsWith('-') && !a.startsWith('+'));
  const flagsOnly = c.args.every((a) => /^[-+][a-zA-Z]*$/.test(a));
  if (c.name === 'set' && c.args.length > 0) return;
  if (
    ops.length === 0 &&
    flagsOnly &&
    !c.args.some((a) => /^-[a-zA-Z]*f/.test(a)) &&
    !filteredHarmlessly(c.cmd)
  )
    report(c.ctx, 'read.env-secrets', `${c.name} ${c.args.join(' ')}`.trim());
  if (c.name !== 'set' && c.args.some((a) => /^-[a-zA-Z]*p/.test(a)))
    for (const n of ops) if (SECRET_VAR.test(n)) report(c.ctx, 'read.env-secrets', `${c.name} -p ${n}`);
};

/** `echo $AWS_SECRET_ACCESS_KEY`: a secret variable printed where the agent reads it. */
const printsVariable: Handler = (c) => {
  for (const raw of c.cmd.raw.slice(1))
    for (const m of raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
      if (SECRET_VAR.test(m[1] ?? '')) report(c.ctx, 'read.env-secrets', `${c.name} $${m[1]}`);
};

/** ps options whose value is the next word (so that word is not a BSD option). */
const PS_VALUE_OPTIONS =
  /^(-[oOpqtuUgGCN]|--(format|sort|pid|ppid|user|User|group|Group|tty|cols|columns|rows|lines|width|sid|quick-pid))$/;

/** `ps e`, `ps eww 1`, `ps auxe`, `ps -ef e`: a dashless option word with `e` prints each process's environment. */
const ps: Handler = (c) => {
  // procps takes BSD option words (no dash) anywhere, mixed with Unix ones (`ps -ef e`); values follow options.
  let bsd = false;
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i] as string;
    if (PS_VALUE_OPTIONS.test(a) || /^[kOopqtU]$/.test(a)) i++;
    else if (/^[a-zA-Z]*e[a-zA-Z]*$/.test(a) && !/^(k|o|O|p|q|t|U)/.test(a)) bsd = true;
  }
  const envColumn = c.args.some((a) => /(^|,)environ?(,|$)/.test(a));
  if (bsd || envColumn) report(c.ctx, 'read.env-secrets', `ps ${c.args.join(' ')}`.slice(0, 80));
};

/**
 * Any command given a secret variable as a here-string (`cat <<< "$ANTHROPIC_API_KEY"`, `tee <<< $WARD_TOKEN`),
 * or a variable named at run time (`${!v}`, after `compgen -e` lists the names): the value is printed or sent.
 */
export const environmentInAnyCommand: Handler = (c) => {
  for (const raw of c.cmd.raw) {
    if (raw.includes('${!') && /\$\{!\w+[@*]?\}/.test(raw))
      report(c.ctx, 'read.env-secrets', `${c.name} reads a variable named at run time`);
  }
  for (const m of (c.cmd.hereRaw ?? '').matchAll(/\$\{?([A-Za-z_]\w*)/g))
    if (SECRET_VAR.test(m[1] ?? '')) report(c.ctx, 'read.env-secrets', `${c.name} <<< $${m[1]}`);
};

/** jq's `env` and `$ENV` are the whole environment (`env.HOME` is one variable). */
const jq: Handler = (c) => {
  if (c.args.some((a) => /(^|[^\w.$])(env|\$ENV)\b(?!\s*[.[])/.test(a)))
    report(c.ctx, 'read.env-secrets', `${c.name} prints the environment`);
  for (const a of c.args)
    for (const m of a.matchAll(/(?:^|[^\w.$])(?:env|\$ENV)\s*\.\s*(\w+)|(?:env|\$ENV)\s*\[\s*"(\w+)"/g))
      if (SECRET_VAR.test(m[1] ?? m[2] ?? ''))
        report(c.ctx, 'read.env-secrets', `${c.name} env.${m[1] ?? m[2]}`);
};

/** awk's ENVIRON walked or printed whole (`for (k in ENVIRON)`), not `ENVIRON["HOME"]`. */
const awk: Handler = (c) => {
  if (c.args.some((a) => /\bENVIRON\b(?!\s*\[)/.test(a)))
    report(c.ctx, 'read.env-secrets', `${c.name} walks ENVIRON`);
  for (const a of c.args)
    for (const m of a.matchAll(/\bENVIRON\s*\[\s*"(\w+)"/g))
      if (SECRET_VAR.test(m[1] ?? '')) report(c.ctx, 'read.env-secrets', `${c.name} ENVIRON["${m[1]}"]`);
};

/** `make -p` prints make's database, every environment variable among its macros. */
const make: Handler = (c) => {
  if (c.args.some((a) => a === '--print-data-base' || /^-[a-zA-Z]*p[a-zA-Z]*$/.test(a)))
    report(c.ctx, 'read.env-secrets', `${c.name} -p prints the environment among its variables`);
};

/** Where the environment's secrets can be printed from. */
export const ENVIRONMENT_PROGRAMS: Record<string, Handler> = {
  make,
  gmake: make,
  jq,
  gojq: jq,
  yq: jq,
  awk,
  gawk: awk,
  mawk: awk,
  nawk: awk,
  printenv,
  export: dumpsVariables,
  declare: dumpsVariables,
  typeset: dumpsVariables,
  set: dumpsVariables,
  echo: printsVariable,
  printf: printsVariable,
  ps,
};
