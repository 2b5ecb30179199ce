/** Archivers, compressors and patch tools: what they read, write and collect from outside the workspace. */

import { filesWrittenByPatch } from '../../tools/files-written.js';
import { pathsInPatch } from '../../tools/patch-paths.js';
import { type Call, type Handler, hasFlag, operands, optionValue } from '../call.js';
import { probe, report } from '../context.js';
import { touch } from '../effects.js';
import { display, UNKNOWN } from '../script.js';
import { judgePiecesWritten, judgeScriptWritten } from '../script-written.js';
import { writtenOrRead } from '../written-text.js';
import { pipedText } from './script-tools.js';

const tar: Handler = (c) => {
  const first = c.args[0] ?? '';
  const mode = first.startsWith('-') ? first : `-${first}`;
  const create = /^-[a-zA-Z]*[cru]/.test(mode) || c.args.includes('--create') || c.args.includes('--append');
  const file =
    optionValue(c.args, ['-f', '--file']) ?? (/^-?[a-zA-Z]*f$/.test(first) ? c.args[1] : undefined);
  const ops = operands(c.args.slice(first.startsWith('-') ? 0 : 1), [
    '-f',
    '--file',
    '-C',
    '--directory',
    '-T',
    '-X',
  ]).filter((o) => o !== file);
  const dir = optionValue(c.args, ['-C', '--directory']);
  if (create) {
    if (file && file !== '-') touch(c.ctx, file, 'write', c.cwd);
    // `-C DIR` first: the names after it are taken from DIR (`tar czf - -C ~ .ssh .aws`).
    const from = (p: string) => (dir && !/^[/~-]/.test(p) ? `${dir.replace(/\/+$/, '')}/${p}` : p);
    for (const p of ops) collectOutside(c, from(p));
  } else {
    if (file && file !== '-') touch(c.ctx, file, 'read', c.cwd);
    if (dir) touch(c.ctx, dir, 'write', c.cwd);
    // With absolute names kept, the archive itself says where each file lands: anywhere under /.
    if (/^-[a-zA-Z]*P/.test(mode) || hasFlag(c.args, 'P', '--absolute-names'))
      touch(c.ctx, `/${UNKNOWN}`, 'write', c.cwd);
  }
};

/** Options of `patch` that take a value. */
const PATCH_VALUE = ['-p', '-i', '-o', '-d', '-D', '-F', '-r', '-B', '-V', '-z', '-Y', '-g'];

/**
 * `patch [-d DIR] [-pN] [FILE [PATCH]]`: writes FILE, or the files the patch names under DIR (GNU patch
 * refuses `..` and absolute names, so DIR is where it writes). A patch given inline is read for its paths.
 */
const patch: Handler = (c) => {
  const dir = optionValue(c.args, ['-d', '--directory']);
  const strip = Number(optionValue(c.args, ['-p', '--strip']) ?? '0');
  const out = optionValue(c.args, ['-o', '--output']);
  const input = optionValue(c.args, ['-i', '--input']);
  const [file, patchFile] = operands(c.args, PATCH_VALUE);
  if (input) touch(c.ctx, input, 'read', c.cwd);
  if (patchFile) touch(c.ctx, patchFile, 'read', c.cwd);
  // `patch run.sh fix.diff`: the lines the patch adds go into the file named.
  const named = file && patchFile ? writtenOrRead(c, patchFile) : undefined;
  if (file && named !== undefined)
    judgePiecesWritten(
      c,
      file,
      filesWrittenByPatch(named).flatMap((f) => f.content ?? f.edits.map((e) => e.new)),
    );
  if (out) touch(c.ctx, out, 'write', c.cwd);
  else if (file) touch(c.ctx, dir && !file.startsWith('/') ? `${dir}/${file}` : file, 'write', c.cwd);
  else {
    // `patch -p1 < fix.patch` where this command line wrote fix.patch: its text names the files.
    const from = input ?? c.cmd.redirects.find((r) => r.op === '<')?.target;
    patchedFiles(c, c.cmd.stdinText ?? (from ? writtenOrRead(c, from) : undefined), strip, dir);
  }
};

/**
 * Codex's `apply_patch` run as a shell command (its envelope on stdin or as the argument): writes every file
 * the envelope adds, updates, deletes or moves to.
 */
const applyPatch: Handler = (c) => {
  const text = c.cmd.stdinText ?? c.args[0] ?? '';
  const names = pathsInPatch(text);
  if (names.length === 0 && text === '') touch(c.ctx, UNKNOWN, 'write', c.cwd);
  for (const n of names.slice(0, 64)) touch(c.ctx, n, 'write', c.cwd);
};

/** Writes of the files an inline patch names (stripped of `strip` leading parts), or of DIR/… when unknown. */
export function patchedFiles(c: Call, text: string | undefined, strip: number, dir?: string): void {
  const base = dir ? dir.replace(/\/+$/, '') : '.';
  const names = text ? pathsInPatch(text) : [];
  // What the patch adds to a script, build file or package.json is judged as written there.
  for (const f of text ? filesWrittenByPatch(text).slice(0, 64) : []) {
    const parts = f.path.split('/');
    const target = `${base}/${parts.slice(Math.min(Math.max(0, strip - 1), parts.length - 1)).join('/')}`;
    if (f.content !== undefined) judgeScriptWritten(c, target, f.content);
    else
      judgePiecesWritten(
        c,
        target,
        f.edits.map((e) => e.new),
      );
  }
  if (names.length === 0) {
    // Any file under DIR, dot files (start-up scripts, configuration) included.
    if (dir) touch(c.ctx, `${base}/.${UNKNOWN}`, 'write', c.cwd);
    return;
  }
  // pathsInPatch already took off git's a/ and b/: that is one of the components `-p1` strips.
  const left = text && /^(?:\+\+\+|---) [ab]\//m.test(text) ? Math.max(0, strip - 1) : strip;
  for (const n of names.slice(0, 64)) {
    const parts = n.split('/');
    touch(c.ctx, `${base}/${parts.slice(Math.min(left, parts.length - 1)).join('/')}`, 'write', c.cwd);
  }
}
/** Archiving or encrypting files from outside the workspace is collection (T1560). */
function collectOutside(c: Call, p: string): void {
  const side = probe(c.ctx);
  const zone = touch(side, p, 'read', c.cwd);
  for (const f of side.findings) report(c.ctx, f.rule, f.detail);
  if (side.findings.length > 0 || zone === 'home')
    report(c.ctx, 'collect.archive-outside', `${c.name} ${display(p)}`);
}

const split: Handler = (c) => {
  const ops = operands(c.args, ['-b', '-l', '-C', '-n', '-a', '-t', '--additional-suffix']);
  if (ops[0]) touch(c.ctx, ops[0], 'read', c.cwd);
  touch(c.ctx, ops[1] ?? 'x', 'write', c.cwd);
};

const cpio: Handler = (c) => {
  const ops = operands(c.args, ['-H', '-F', '-O', '-I', '-E', '-R', '-D']);
  if (hasFlag(c.args, 'p') && ops[0]) touch(c.ctx, ops[0], 'write', c.cwd);
  // Copy-in (`cpio -idv < x.cpio`) keeps the archive's absolute and `../` names unless told not to, as `tar -P`
  // does: the archive says where each file lands.
  if (hasFlag(c.args, 'i', '--extract')) {
    const dir = optionValue(c.args, ['-D', '--directory']);
    if (dir) touch(c.ctx, dir, 'write', c.cwd);
    if (!c.args.includes('--no-absolute-filenames')) touch(c.ctx, `/${UNKNOWN}`, 'write', c.cwd);
  }
  // `echo /etc/shadow | cpio -o`: the file list comes from standard input; static names are files read.
  if (hasFlag(c.args, 'o', '--create') || hasFlag(c.args, 'p'))
    for (const f of pipedText(c).split(/\s+/)) if (f !== '') touch(c.ctx, f, 'read', c.cwd);
};

const compress: Handler = (c) => {
  const toStdout = hasFlag(c.args, 'c', '--stdout');
  for (const p of operands(c.args, ['-S', '--suffix'])) touch(c.ctx, p, toStdout ? 'read' : 'write', c.cwd);
};

const encryptArchive: Handler = (c) => {
  if (c.args.some((a) => /^-p.+|^-P$|^-e$|^--password/.test(a)))
    report(c.ctx, 'impact.encrypt', `${c.name} with a password`);
  const ops = operands(c.args, ['-P', '-x', '-i', '-t', '-m', '-o']);
  for (const p of ops.slice(c.name === '7z' || c.name === '7za' ? 2 : 1)) collectOutside(c, p);
  if (ops[c.name === '7z' || c.name === '7za' ? 1 : 0])
    touch(c.ctx, ops[c.name.startsWith('7z') ? 1 : 0] ?? '', 'write', c.cwd);
};

/** Archive, compression and patch programs (part of the file programs, in their order there). */
export const ARCHIVE_PROGRAMS: Record<string, Handler> = {
  tar,
  patch,
  apply_patch: applyPatch,
  applypatch: applyPatch,
  split,
  cpio,
  gzip: compress,
  gunzip: compress,
  bzip2: compress,
  bunzip2: compress,
  xz: compress,
  compress,
  zip: encryptArchive,
  '7z': encryptArchive,
  '7za': encryptArchive,
};
