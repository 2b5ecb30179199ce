import { isDestructive } from '../behaviour.js';
import { NO_HITS, type StreamDetector } from '../detector.js';
import { burstHit } from './burst.js';

const thresholds = { window_s: 300, min_actions: 3 } as const;

/** Several destructive actions close together: sabotage or an agent that lost the plot. */
export const destructiveBurst: StreamDetector = {
  id: 'seq.destructive-burst',
  title: 'Burst of destructive commands',
  description:
    'At least min_actions destructive actions (deletes outside the workspace, disk writes, history rewrites) within window_s, attempted or done.',
  severity: 'high',
  attack: ['T1485', 'T1561'],
  falsepositives: ['Deliberate environment teardown scripts run by an agent on request'],
  triage:
    'List what was deleted or rewritten and whether any of it ran; restore from backup or the remote if it did.',
  thresholds,
  kind: 'sequence',
  storedMarks: ['destructive'],
  fixtures: {
    positive: {
      session: [
        { kind: 'tool_decision', decision: 'deny', command: 'git push --force origin main', t: 0 },
        { kind: 'tool_decision', decision: 'deny', command: 'rm -rf ~', t: 30 },
        {
          kind: 'tool_decision',
          decision: 'deny',
          command: 'dd if=/dev/zero of=/dev/sda bs=1M count=64',
          t: 60,
        },
      ],
    },
    negative: {
      session: [
        { kind: 'command', command: 'rm -rf node_modules dist', t: 0 },
        { kind: 'command', command: 'git reset --hard origin/main', t: 30 },
        { kind: 'command', command: 'rm -rf .cache', t: 60 },
      ],
    },
  },
  observe(obs, s) {
    if (!isDestructive(obs)) return NO_HITS;
    return burstHit(this.id, s, obs, {
      list: 'destructive',
      windowS: thresholds.window_s,
      min: thresholds.min_actions,
      what: 'destructive actions',
    });
  },
};
