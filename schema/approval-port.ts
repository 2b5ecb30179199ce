import type { z } from 'zod';
import type { Approval, ApprovalRequestInput } from './approval.js';
import type { GrantRecord } from './grant.js';

/** How a wait for a human ended. Anything but `approved` means: do not run. */
export interface WaitOutcome {
  status: 'approved' | 'denied' | 'expired';
  reason: string;
  approval?: Approval;
}

/**
 * Ward's approvals as whoever asks a human uses them: the runner's HTTP client (sandbox-runner) or the
 * approval service in-process (collector's hook endpoint). Every failure is a thrown error or a non-approved
 * outcome, which the asker turns into a deny.
 */
export interface ApprovalPort {
  /** Creates a pending request for a human. */
  request(input: z.input<typeof ApprovalRequestInput>): Promise<Pick<Approval, 'id'>>;
  /** Waits until a human decides or `timeoutMs` passes (then: denied). */
  waitForDecision(id: string, o: { timeoutMs: number; signal?: AbortSignal }): Promise<WaitOutcome>;
  /** Where a human decides this request. */
  urlFor(id: string): string;
  /** The live "always allow" grants of a session and project. */
  grants(q: { session: string; project: string }): Promise<GrantRecord[]>;
}
