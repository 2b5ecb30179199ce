import { NO_HITS, type StreamDetector } from '../detector.js';
import { burstHit } from './burst.js';

const thresholds = { window_s: 600, min_refusals: 3 } as const;

/**
 * Several refused actions close together. Works without command text: Codex, for one, reports a refused call
 * without what it was, and an agent that keeps pushing against refusals is worth a look whatever it tried.
 */
export const refusalBurst: StreamDetector = {
  id: 'seq.refusal-burst',
  title: 'Repeated refused actions',
  description:
    'At least min_refusals actions were refused (by the person, the gate, the sandbox or the proxy) within window_s: ' +
    'the agent keeps trying things its operator does not allow.',
  severity: 'medium',
  attack: ['T1059', 'T1562'],
  falsepositives: ['A person declining several harmless suggestions in a row while steering the agent'],
  triage:
    'Read the refused actions (and the prompt before them): was the agent steered somewhere else, or pushing on?',
  thresholds,
  kind: 'sequence',
  storedMarks: ['refused'],
  fixtures: {
    positive: {
      session: [
        { kind: 'tool_decision', decision: 'deny', decision_source: 'User', tool: 'exec_command', t: 0 },
        { kind: 'tool_decision', decision: 'deny', decision_source: 'User', tool: 'exec_command', t: 30 },
        { kind: 'tool_decision', decision: 'deny', decision_source: 'aborted', tool: 'exec_command', t: 60 },
      ],
    },
    negative: {
      session: [
        { kind: 'tool_decision', decision: 'deny', decision_source: 'User', tool: 'exec_command', t: 0 },
        { kind: 'tool_decision', decision: 'deny', decision_source: 'User', tool: 'exec_command', t: 30 },
        { kind: 'command', command: 'npm test', t: 60 },
      ],
    },
  },
  observe(obs, s) {
    if (!obs.denied || obs.actionClass === 'other') return NO_HITS;
    return burstHit(this.id, s, obs, {
      list: 'refused',
      windowS: thresholds.window_s,
      min: thresholds.min_refusals,
      what: 'refused actions',
    });
  },
};
