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

/**
 * The most linear memory the grammar may ever hold (bytes; its own default is 2 GiB). A parse that needs more
 * aborts the module, after which this process parses nothing (see shellParserBroken): bounded memory, and
 * decisions that say they could not analyse.
 */
export const WASM_MAX_BYTES = 512 * 2 ** 20;

/** How much one parse may grow the grammar's linear memory before it is cancelled (bytes). */
export const WASM_GROWTH_CAP = 64 * 2 ** 20;
let wasmMemory: WebAssembly.Memory | undefined;

let broken = false;
let lastCancelled = false;

/** True when the last parse was cut short (its deadline passed, or it grew the grammar's memory too far). */
export function shellParseCancelled(): boolean {
  return lastCancelled;
}

/**
 * True once the grammar's module has aborted (a parse exhausted its memory): every later parse in this process
 * fails, so decisions must say the command was not analysed, and a long-lived process should be replaced.
 */
export function shellParserBroken(): boolean {
  return broken;
}

/** Bytes of linear memory the grammar holds now (0 before it is loaded). */
export function shellParserMemory(): number {
  return wasmMemory?.buffer.byteLength ?? 0;
}

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
  // The grammar's memory, ours to watch: on some hostile texts the parser's stacks grow without end (260 KB of
  // `[--a|--b] ` aborted the module at 2 GiB, and every parse after that failed). A parse that grows it by more than
  // WASM_GROWTH_CAP is cancelled (alone, that text stopped at 96 MiB). Not every growth is seen: 65 KB of the
  // same grew it to 412 MiB in one step after the parse itself, and a WASM memory never shrinks; so the memory
  // also has a hard maximum.
  const memory = new WebAssembly.Memory({ initial: 512, maximum: WASM_MAX_BYTES / 65_536 });
  await Parser.init({ wasmMemory: memory } as object);
  wasmMemory = memory;
  const language = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
  const parser = new Parser();
  parser.setLanguage(language);
  // The first parse in a process compiles the grammar's code paths (12–17 ms idle, far more on a busy machine):
  // done here, it does not count against a decision's analysis budget.
  parser.parse('f() { a | b && c; }; x=$(d "${e}") <<<"g"; for i in 1; do h; done')?.delete();
  return {
    parse(text, deadline) {
      let tree: ReturnType<Parser['parse']>;
      const limit = memory.buffer.byteLength + WASM_GROWTH_CAP;
      lastCancelled = false;
      const progressCallback = () => {
        if (memory.buffer.byteLength > limit || (deadline !== undefined && performance.now() > deadline))
          lastCancelled = true;
        return lastCancelled;
      };
      if (broken) return null;
      try {
        tree = parser.parse(text, null, { progressCallback });
      } catch {
        // The module aborted (its memory exhausted): it parses nothing more in this process.
        broken = true;
        return null;
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
