/**
 * For one-shot commands (ward exec, ward hook, ward gate check): call before the shell grammar's WASM
 * loads. One short parse never profits from V8's optimizing WASM compiler, and the process would wait
 * ~300-500 ms at exit for that background compile to finish: baseline (Liftoff) code only.
 */
export async function useBaselineWasmOnly(): Promise<void> {
  (await import('node:v8')).setFlagsFromString('--liftoff-only');
}
