import { posix } from 'node:path';
import { isWebRoute } from './code-idioms.js';
import { type AnalysisContext, probe, report } from './context.js';
import { touch } from './effects.js';
import { scanHomeJoins } from './home-paths.js';
import { hostOf, isWebService, judgeHost } from './network.js';

/**
 * A light token scan of Python source: resolves simple string constants and `os.path.join`, then looks
 * for file access, process execution, sockets, HTTP, process killing and dynamic code. Not a Python
 * parser: it over-approximates, which for a gate means asking a little more often.
 */
export function scanPython(code: string, ctx: AnalysisContext, shell: (text: string) => void): void {
  const consts = constants(code);
  const value = (expr: string): string | undefined => resolve(expr.trim(), consts);
  const flag = (rule: Parameters<typeof report>[1], detail: string) => {
    report(ctx, rule, detail);
  };

  for (const m of code.matchAll(/(?<![\w.])open\(/g)) {
    const [first, second] = callArgs(code, (m.index ?? 0) + m[0].length);
    const path = value(first ?? '');
    const mode = value((second ?? '').replace(/^mode\s*=\s*/, '')) ?? 'r';
    if (path === undefined) continue;
    touch(ctx, path, /[wax+]/.test(mode) ? 'write' : 'read');
  }
  const calls: [RegExp, 'read' | 'write' | 'delete' | 'list' | 'copy' | 'move'][] = [
    [/\bshutil\.(?:copy|copy2|copyfile|copytree)\(/g, 'copy'],
    [/\b(?:shutil\.move|os\.rename|os\.renames|os\.replace)\(/g, 'move'],
    [/\b(?:shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|os\.removedirs)\(/g, 'delete'],
    [/\b(?:os\.listdir|os\.scandir|os\.walk|glob\.glob|glob\.iglob)\(/g, 'list'],
    [/\b(?:os\.chmod|os\.chown|os\.truncate)\(/g, 'write'],
    [/\bPath\((?=[^)]*\)\.(?:read_text|read_bytes|open|iterdir)\()/g, 'read'],
    [/\bPath\((?=[^)]*\)\.(?:write_text|write_bytes|unlink|rmdir|touch|chmod)\()/g, 'write'],
  ];
  for (const [re, kind] of calls) {
    for (const m of code.matchAll(re)) {
      const start = (m.index ?? 0) + m[0].indexOf('(') + 1;
      const args = callArgs(code, start);
      const a = value(args[0] ?? '');
      if (kind === 'copy' || kind === 'move') {
        // A move takes its source away from where it was (`os.rename('.claude', …)` removes the hooks).
        if (a !== undefined) touch(ctx, a, kind === 'move' ? 'delete' : 'read', undefined, kind === 'move');
        const b = value(args[1] ?? '');
        if (b !== undefined) touch(ctx, b, 'write');
      } else if (a !== undefined) {
        touch(
          ctx,
          a.replace(/\*.*$/, '') || a,
          kind === 'list' ? 'list' : kind,
          undefined,
          kind === 'delete',
        );
      }
    }
  }
  scanHomeJoins(code, ctx);
  // Any absolute path literal naming a secret (a place in the filesystem, not a web route) is a read we may not
  // have followed through variables.
  for (const lit of consts.literals) {
    if (!/^(\/|~)/.test(lit)) continue;
    const at = Math.max(code.indexOf(`'${lit}`), code.indexOf(`"${lit}`));
    if (!isWebRoute(code, at, lit)) touchSecretOnly(ctx, lit);
  }

  const runsCommands =
    /(?<![\w.])(?:Popen|check_output|check_call|getoutput|getstatusoutput)\s*\(|\b(?:os\.(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawn)|subprocess\.\w+|pty\.spawn|commands\.getoutput)\s*\(/.test(
      code,
    );
  for (const m of code.matchAll(
    /\b(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen))\(\s*(?:\[([^\]]*)\]|(['"])((?:\\.|(?!\2).)*)\2)/g,
  )) {
    const text =
      m[3] ??
      (m[1] ?? '')
        .split(',')
        .map((p) => value(p) ?? '"$UNKNOWN"')
        .join(' ');
    shell(text);
  }
  // A task runner's session or context runs its arguments (nox's `session.run("sh", "-c", …)`, invoke's and
  // fabric's `c.run("…")`): one argument is a command line, several are its words; a keyword argument is none.
  for (const m of code.matchAll(
    /\b(?:session|s|c|ctx|context|conn)\.(?:run|run_always|run_install|sudo|local)\(/g,
  )) {
    const args = callArgs(code, (m.index ?? 0) + m[0].length).filter((a) => a !== '' && !/^\w+\s*=/.test(a));
    const words = args.map((a) => value(a));
    if (words.length === 1 && words[0] !== undefined) shell(words[0]);
    else if (words.length > 1)
      shell(words.map((w) => (w === undefined ? '"$UNKNOWN"' : `'${w.replaceAll("'", `'\\''`)}'`)).join(' '));
  }
  const socket =
    /\bsocket\.socket\s*\(|\bcreate_connection\s*\(|(?<![\w.])socket\s*\(\s*(?:socket\.)?AF_/.test(code);
  const remoteInput = /\.recv(?:from)?\s*\(|\.makefile\s*\(/.test(code);
  if (socket && runsCommands && (remoteInput || /os\.dup2\s*\(/.test(code))) {
    flag('revshell.interpreter', 'socket input is run as commands');
  } else if (socket) {
    flag('net.raw-socket', 'python opens a socket');
  }
  if (runsCommands && !socket) {
    const literalOnly = /\b(?:os\.system|os\.popen|subprocess\.\w+)\(\s*(?:\[\s*['"]|['"])/.test(code);
    if (!literalOnly) flag('exec.interpreter-code', 'python runs a command built at run time');
  }

  const http =
    /\b(?:requests|httpx|urllib\.request|urllib2|urllib3|http\.client|aiohttp)\b|\burlopen\s*\(/.test(code);
  if (http) {
    const urls = [...consts.literals].filter((l) => /^[a-z]+:\/\//i.test(l));
    if (urls.length === 0) flag('net.fetch-unknown', 'python makes HTTP requests');
    for (const url of urls) {
      const dest = hostOf(url);
      if (!dest) continue;
      const verdict = judgeHost(dest.host, ctx.hosts);
      if (isWebService(dest.host)) flag('net.web-service', dest.host);
      else if (verdict === 'denied' || verdict === 'unlisted') flag('net.fetch-unlisted', dest.host || url);
    }
    if (/\b(?:requests|httpx)\.(?:post|put|patch)\s*\(|\bRequest\([^)]*data\s*=|\bdata\s*=/.test(code)) {
      flag('net.upload', 'python sends data over HTTP');
    }
  }
  if (
    /\b(?:psutil\.\w+\([^)]*\)\.|proc\.|process\.)(?:kill|terminate|send_signal)\s*\(|\bos\.kill(?:pg)?\s*\(/.test(
      code,
    )
  ) {
    flag('exec.signal', 'python kills processes');
  }
  if (
    /(?<![\w.])(?:eval|exec)\s*\(\s*(?!['"])/.test(code) ||
    /__import__\(\s*['"](?:os|subprocess)/.test(code)
  ) {
    flag('exec.interpreter-code', 'python evaluates code built at run time');
  }
  if (/\bos\.set(?:e?uid|e?gid)\s*\(|\bctypes\b/.test(code))
    flag('exec.interpreter-code', 'python changes privileges or calls native code');
}

function touchSecretOnly(ctx: AnalysisContext, path: string): void {
  const p = probe(ctx);
  touch(p, path, 'read');
  for (const f of p.findings)
    if (f.rule.startsWith('read.') && f.rule !== 'read.system') report(ctx, f.rule, f.detail);
}

interface Constants {
  names: Map<string, string>;
  literals: Set<string>;
}

function constants(code: string): Constants {
  const names = new Map<string, string>();
  const literals = new Set<string>();
  for (const m of code.matchAll(/(?<![\w])([rbf]{0,2})(['"])((?:\\.|(?!\2)[^\n\\])*)\2/gi))
    literals.add(m[3] ?? '');
  for (const m of code.matchAll(/^[ \t]*([A-Za-z_]\w*)\s*=\s*(.+)$/gm)) {
    const v = resolve((m[2] ?? '').trim(), { names, literals });
    if (v !== undefined) names.set(m[1] ?? '', v);
  }
  return { names, literals };
}

function resolve(expr: string, c: Constants): string | undefined {
  const lit = /^[rbuRBU]{0,2}(['"])((?:\\.|(?!\1).)*)\1$/.exec(expr);
  if (lit) return lit[2];
  const f = /^[fF](['"])([^{}]*)\1$/.exec(expr);
  if (f) return f[2];
  if (/^[A-Za-z_]\w*$/.test(expr)) return c.names.get(expr);
  const join = /^os\.path\.join\((.*)\)$/.exec(expr);
  if (join) {
    const parts = (join[1] ?? '').split(',').map((p) => resolve(p.trim(), c));
    if (parts.every((p): p is string => p !== undefined)) return posix.join(...parts);
  }
  return undefined;
}

/** Top-level arguments of a call whose opening parenthesis ends just before `start`. */
function callArgs(code: string, start: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (let i = start; i < code.length && i < start + 2000; i++) {
    const ch = code[i] ?? '';
    if (quote) {
      cur += ch;
      if (ch === '\\') cur += code[++i] ?? '';
      else if (ch === quote) quote = '';
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') {
      if (depth === 0) break;
      depth--;
    } else if (ch === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  args.push(cur.trim());
  return args;
}
