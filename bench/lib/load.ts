import { Agent, request } from 'node:http';
import { type EncodedBatch, withSeq } from './batches.js';

export interface LoadJob {
  /** e.g. http://127.0.0.1:4318/v1/logs */
  url: string;
  batches: EncodedBatch[];
  inFlight: number;
  durationMs: number;
  /** First sequence number of this generator; each request takes the next one. */
  seqBase: number;
}

export interface LoadResult {
  requests: number;
  ackedRequests: number;
  ackedRecords: number;
  /** Latency of each acknowledged request (ms). */
  latenciesMs: number[];
  /** Failed requests by status code or error message. */
  failures: Record<string, number>;
  elapsedMs: number;
}

function post(agent: Agent, url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Keeps `inFlight` OTLP/protobuf requests going until the time is up, like that many busy exporters. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight });
  const result: LoadResult = {
    requests: 0,
    ackedRequests: 0,
    ackedRecords: 0,
    latenciesMs: [],
    failures: {},
    elapsedMs: 0,
  };
  const start = performance.now();
  const deadline = start + job.durationMs;
  let seq = job.seqBase;
  const lane = async () => {
    while (performance.now() < deadline) {
      const n = seq++;
      const batch = job.batches[n % job.batches.length]!;
      const body = withSeq(batch, n);
      const t0 = performance.now();
      let failure: string | null = null;
      try {
        const status = await post(agent, url, body);
        if (status === 200) {
          result.ackedRequests++;
          result.ackedRecords += batch.records;
          result.latenciesMs.push(performance.now() - t0);
        } else failure = `HTTP ${status}`;
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      result.requests++;
      if (failure) {
        result.failures[failure] = (result.failures[failure] ?? 0) + 1;
        // Back off like an exporter would on 503 / connection errors.
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  await Promise.all(Array.from({ length: job.inFlight }, lane));
  result.elapsedMs = performance.now() - start;
  agent.destroy();
  return result;
}
