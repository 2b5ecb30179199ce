import { createRequire } from 'node:module';
import type { Node, Parser } from 'web-tree-sitter';

/**
 * Shell parsing with tree-sitter-bash (WASM). sh-syntax was tried first: its 0.7 build serialises only
 * node positions (no words), and it instantiates a fresh WASM module per call (~7 ms), so it can neither
 * be analysed nor meet the 2 ms budget. tree-sitter initialises once (async) and then parses
 * synchronously in well under a millisecond.
 */
export interface ShellParser {
  /**
   * Parses a script; returns null when the input has syntax errors, or when `deadline` (a `performance.now()`
   * time) passes first: the grammar's error recovery is superlinear on some hostile inputs (50,000 unclosed
   * `${` took 11 s). Never throws.
   */
  parse(text: string, deadline?: number): ParsedScript | null;
}

export interface ParsedScript {
  root: Node;
  /** Frees the WASM memory of the tree; call once done with `root`. */
  dispose(): void;
}

let shared: Promise<ShellParser> | undefined;

/** Initialises the WASM parser once per process; later calls return the same instance. */
export function initShellParser(): Promise<ShellParser> {
  shared ??= load();
  return shared;
}

/** Thrown by a deferred parser asked to parse before its grammar is loaded: load it, then decide again. */
export class ParserNotReady extends Error {
  constructor() {
    super('the shell grammar is not loaded yet');
    this.name = 'ParserNotReady';
  }
}

/** A parser that starts without the WASM grammar (~25 ms): parse() throws ParserNotReady until load(). */
export function deferredShellParser(): ShellParser & { load(): Promise<void> } {
  let real: ShellParser | undefined;
  return {
    parse(text, deadline) {
      if (!real) throw new ParserNotReady();
      return real.parse(text, deadline);
    },
    async load() {
      real ??= await initShellParser();
    },
  };
}

async function load(): Promise<ShellParser> {
  const require = createRequire(import.meta.url);
  const { Language, Parser } = await import('web-tree-sitter');
  await Parser.init();
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  return {
    parse(text, deadline) {
      let tree: ReturnType<Parser['parse']>;
      const progressCallback = deadline === undefined ? undefined : () => performance.now() > deadline;
      try {
        tree = parser.parse(text, null, progressCallback ? { progressCallback } : undefined);
      } catch {
        tree = null;
      }
      if (!tree) {
        // A cancelled parse would resume where it stopped on the next call.
        parser.reset();
        return null;
      }
      if (tree.rootNode.hasError) {
        tree.delete();
        return null;
      }
      return { root: tree.rootNode, dispose: () => tree.delete() };
    },
  };
}
