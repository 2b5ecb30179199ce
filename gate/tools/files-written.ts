/** One file a write or patch tool call creates or changes, with the text it puts there. */
export interface FileWritten {
  /** The path as the tool names it (resolved by the caller). */
  path: string;
  /** The whole new content (a Write, a patch's added file), or undefined when only pieces are known. */
  content?: string;
  /** Replacements of an edit tool (`old` undefined: an insertion or an update of unknown place). */
  edits: { old?: string; new: string; all?: boolean }[];
}

const PATH_KEYS = ['file_path', 'path', 'absolute_path', 'target_file', 'filename'];
const CONTENT_KEYS = ['content', 'file_text', 'contents', 'text', 'code'];
/** Edits a call may carry at most (MultiEdit): more are not read, and say so by making the edit unknown. */
const MAX_EDITS = 256;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The files a write tool's arguments create or change (Write, Edit, MultiEdit, write_file, replace, editors). */
export function filesWrittenByTool(input: Record<string, unknown>): FileWritten[] {
  const path = PATH_KEYS.map((k) => str(input[k])).find((p) => p !== undefined && p !== '');
  if (path === undefined) return [];
  const content = CONTENT_KEYS.map((k) => str(input[k])).find((c) => c !== undefined);
  const edits: FileWritten['edits'] = [];
  const addEdit = (e: Record<string, unknown>) => {
    const replacement =
      str(e.new_string) ?? str(e.new_str) ?? str(e.newText) ?? str(e.code_edit) ?? str(e.replacement);
    if (replacement === undefined) return;
    const old = str(e.old_string) ?? str(e.old_str) ?? str(e.oldText);
    const all =
      e.replace_all === true || (typeof e.expected_replacements === 'number' && e.expected_replacements > 1);
    edits.push({
      ...(old !== undefined && old !== '' ? { old } : {}),
      new: replacement,
      ...(all ? { all } : {}),
    });
  };
  addEdit(input);
  if (Array.isArray(input.edits))
    for (const e of input.edits.slice(0, MAX_EDITS))
      if (typeof e === 'object' && e !== null) addEdit(e as Record<string, unknown>);
  if (Array.isArray(input.edits) && input.edits.length > MAX_EDITS) edits.push({ new: '' });
  // An editor's `create` carries the whole file; its `insert` a piece at a line.
  const whole = content !== undefined && !(str(input.command) === 'insert');
  if (content !== undefined && !whole) edits.push({ new: content });
  if (!whole && edits.length === 0) return [];
  return [{ path, ...(whole ? { content } : {}), edits: whole ? [] : edits }];
}

/**
 * The files a patch creates or changes: Codex's envelope (`*** Add File:` holds the whole file; an update holds
 * the lines it adds) or a unified diff (the `+` lines of each file's hunks).
 */
export function filesWrittenByPatch(patch: string): FileWritten[] {
  const out: FileWritten[] = [];
  let file: { path: string; added: string[]; whole: boolean } | undefined;
  let fromNothing = false;
  const close = () => {
    if (!file) return;
    const text = file.added.join('\n');
    out.push(
      file.whole
        ? { path: file.path, content: text, edits: [] }
        : { path: file.path, edits: [{ new: text }] },
    );
    file = undefined;
  };
  const lines = patch.split('\n');
  for (const [i, line] of lines.entries()) {
    const envelope =
      /^\*\*\* (Add File|Update File|Move to|Delete File|End Patch|Begin Patch)(?:: *(.*?))? *$/.exec(line);
    if (envelope) {
      const [, verb, path] = envelope;
      // A move writes the updated text to its new name.
      if (verb === 'Move to' && file && path) file.path = path;
      else {
        close();
        if ((verb === 'Add File' || verb === 'Update File') && path)
          file = { path, added: [], whole: verb === 'Add File' };
      }
      continue;
    }
    // A file header is a `---` line right before a `+++` line (a removed line can start with `--` too).
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      fromNothing = /^--- \/dev\/null(?:\t.*)? *$/.test(line);
      continue;
    }
    const header = /^\+\+\+ (?:[ab]\/)?(.+?)(?:\t.*)? *$/.exec(line);
    if (header?.[1]) {
      close();
      // A diff from /dev/null adds the whole file.
      if (header[1] !== '/dev/null') file = { path: header[1], added: [], whole: fromNothing };
      continue;
    }
    if (file && line.startsWith('+')) file.added.push(line.slice(1));
  }
  close();
  return out.slice(0, 256);
}
