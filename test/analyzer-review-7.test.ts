import { beforeAll, describe, expect, it } from 'vitest';
import { type ReviewSet, scoreReviewSet } from './analyzer-scenarios/review-set.js';

/**
 * The cases of the seventh analyzer review (test/fixtures/analyzer-review-7.jsonl), each played by Claude Code,
 * Codex or Gemini CLI in its own telemetry through a real server with the analyzer inside, scored once all are
 * stored. Misses: an install-time script that fetches and runs a package (`npx x`, `npx -y x@latest`, `pnpm dlx`)
 * or runs a hidden file's text (`sh -c "$(cat .x)"`); a plain `aws s3 cp` after the session pointed the client at
 * another service (AWS_ENDPOINT_URL, aws configure set, a written ~/.aws/config); copies into storage by rclone, mc
 * and `curl -T`, judged unlike `aws s3 cp`. False alarms: a project's own tool run by npx at install, localstack
 * endpoints, and builds sent with rclone, mc or curl -T to places the session used.
 */
describe('the analyzer on the review-7 sessions', () => {
  let set: ReviewSet;
  const loud = (id: string) => set.loud(id);
  const quiet = (id: string) => set.quiet(id);

  beforeAll(async () => {
    set = await scoreReviewSet(new URL('./fixtures/analyzer-review-7.jsonl', import.meta.url));
  }, 240_000);

  it('raises a high alert on an install-time script that fetches and runs a package', () => {
    for (const id of ['r01', 'r02', 'r05']) expect(loud(id), id).toContain('persist.lifecycle-script');
  });

  it("raises a high alert on an install-time script that runs a hidden file's text", () => {
    for (const id of ['r03', 'r04']) expect(loud(id), id).toContain('persist.lifecycle-script');
  });

  it('raises a high alert on a copy into storage through an endpoint an earlier action set', () => {
    for (const id of ['r06', 'r07', 'r08', 'r09']) expect(loud(id), id).toContain('exfil.storage-endpoint');
  });

  it('judges rclone, mc and curl -T copies of secrets as copies into storage', () => {
    for (const id of ['r10', 'r11', 'r12', 'r13', 'r14', 'r15']) {
      expect(loud(id), id).toContain('exfil.storage-new-bucket');
      expect(loud(id), id).toContain('exfil-channel');
    }
  });

  it("stays quiet on a project's own tool run by npx at install", () => {
    for (const id of ['n01', 'n02', 'n03', 'n04', 'n05']) expect(quiet(id), id).toEqual([]);
  });

  it('stays quiet on copies into a localstack endpoint the session set', () => {
    for (const id of ['n06', 'n07', 'n08']) expect(quiet(id), id).toEqual([]);
  });

  it('stays quiet on builds sent with rclone, mc or curl -T to places the session used', () => {
    // n11-n13 send an archive the session packed from its build output (analyzer/built-archives.ts).
    for (const id of ['n09', 'n10', 'n11', 'n12', 'n13', 'n14']) expect(quiet(id), id).toEqual([]);
  });
});
