import { describe, intentOf } from '../behaviour.js';
import { NO_HITS, type StreamDetector } from '../detector.js';
import { commandKey } from '../mark.js';
import { lossNote } from '../mark-losses.js';

const thresholds = { window_s: 900 } as const;

/** A refused risky action, then a different command with the same risky intent that was not refused. */
export const denialThenVariantRetry: StreamDetector = {
  id: 'seq.denial-retry',
  title: 'Denied action retried as a variant',
  description:
    'After a person, the gate or the sandbox refused a risky action, the agent ran a different command with the same intent ' +
    '(same risk category). Prompt-injected agents route around refusals this way.',
  severity: 'high',
  attack: ['T1562', 'T1059'],
  falsepositives: [
    'A person who refused a command and then approved a safer variant of the same operation',
    'A risky command in a session whose refusals within the window the analyzer forgot (hundreds of them, or a ' +
      'session begun before the analyzer kept refusals in the store, rebuilt from its newest events after a ' +
      'flood): said so in the alert',
  ],
  triage:
    'Compare the denied and the retried command: does the retry achieve what was refused? Who approved it?',
  thresholds,
  kind: 'sequence',
  // Refusals are rare, and without one the detector stays quiet: a rebuilt session has them back from the store.
  storedMarks: ['denied'],
  fixtures: {
    positive: {
      session: [
        { kind: 'tool_decision', decision: 'deny', command: 'rm -f ~/.bash_history', t: 0 },
        { kind: 'command', decision: 'allow', command: 'history -c && unset HISTFILE', t: 20 },
      ],
    },
    negative: {
      session: [
        { kind: 'tool_decision', decision: 'deny', command: 'rm -f ~/.bash_history', t: 0 },
        { kind: 'command', decision: 'allow', command: 'npm test', t: 20 },
      ],
    },
  },
  observe(obs, s) {
    if (obs.actionClass !== 'exec') return NO_HITS;
    const intent = intentOf(obs);
    if (intent.length === 0) return NO_HITS;
    if (obs.denied) {
      s.mark('denied', obs);
      return NO_HITS;
    }
    const hits = [];
    let key: string | undefined;
    for (const d of s.marksOf('denied')) {
      const dt = obs.timeMs - d.timeMs;
      if (dt < 0 || dt > thresholds.window_s * 1000) continue;
      if (d.obs.event.call_id && d.obs.event.call_id === obs.event.call_id) continue; // the same call's other rows
      key ??= commandKey(obs);
      if (d.command === key) continue; // a re-asked identical command
      const shared = intentOf(d.obs).filter((c) => intent.includes(c));
      if (shared.length === 0) continue;
      hits.push({
        detector: this.id,
        evidence: [d.obs, obs],
        factors: [
          {
            rule: this.id,
            text: `${describe(d.obs)} was refused (${d.obs.event.decision_source || 'deny'}); ${Math.round(dt / 1000)} s later ${describe(obs)} ran with the same intent (${shared.join(', ')})`,
          },
        ],
      });
    }
    if (hits.length === 0) {
      // No refusal left matches, but some within the window may have been forgotten: a risky command is taken to
      // retry one.
      const loss = s.lost.since('denied', obs.timeMs - thresholds.window_s * 1000);
      if (loss)
        hits.push({
          detector: this.id,
          evidence: [obs],
          factors: [
            {
              rule: this.id,
              text: `${describe(obs)} ran with a risky intent (${intent.join(', ')}); ${lossNote(loss, 'a refusal of the same intent before it')}`,
            },
          ],
        });
    }
    return hits;
  },
};
