import { setFlagsFromString } from 'node:v8';

/**
 * The main thread's old generation is given a floor of 96 MiB at launch (`node --initial-old-space-size=96`:
 * package.json's `start`, bin/ward.mjs, the benchmarks). V8 counts the memory outside its heap that this thread
 * allocates (request bodies, the rows each ingest worker hands back, the batches written for the engine) against
 * the old generation's limit until the next full collection. With V8's own limit (~50 MiB for this thread's
 * ~30 MiB of live objects) that meant a full collection every ~8 MiB of such memory, ~3 a second under saturated
 * ingest: bench:ingest measured 105–125 of them in 45 s. With the floor, 4–6, and Node's threads spent ~15 µs
 * less CPU per record (55–59 → 42–47 µs; alternating runs, 2026-12-06). The main heap may hold ~45 MiB more
 * before it is collected; the memory bound in the README counts it.
 */
export const MAIN_OLD_SPACE_FLOOR_MB = 96;

/** The `node` arguments that give the main thread its floor (one source for the launchers' tests and the benches). */
export const MAIN_HEAP_NODE_ARGS: readonly string[] = [`--initial-old-space-size=${MAIN_OLD_SPACE_FLOOR_MB}`];

/**
 * The flag is process-wide and read when each isolate starts: unset once the main thread has it, so every worker
 * thread (ingest, engine, gate, analysis) keeps V8's default and the limits it is started with. Called first, before
 * any worker starts.
 */
export function keepWorkerHeapsDefault(): void {
  setFlagsFromString('--initial-old-space-size=0');
}
