import { NO_HITS, type StreamDetector } from '../detector.js';
import { noveltyHit, perFacts, warmFleet } from './novelty.js';

const thresholds = {
  min_fleet_sessions: 100,
  min_other_senders: 1,
  min_common_senders: 2,
  max_fleet_share: 0.05,
} as const;

// Path classes are the gate's own classification of a path (one analysis in the project).
const CLASSES: Record<string, string> = {
  'read.secret': 'credential files',
  'read.ssh-key': 'SSH keys',
  'read.password-db': 'password stores',
  'read.browser': 'browser profiles',
  'read.keychain': 'the keychain',
  'read.history': 'shell history',
  'persist.shell-rc': 'shell start-up files',
  'persist.git-hook': 'git hooks',
  'persist.cron': 'cron tables',
  'persist.service': 'service definitions',
  'write.system': 'system files',
};

/** A user (through an agent) touches a sensitive class of paths for the first time. */
const pathKeys = perFacts((f) => f.tags.filter((t) => t in CLASSES).map((t) => `path:${t}`));

export const novelPathClass: StreamDetector = {
  id: 'novelty.path-class',
  title: 'First access to a sensitive path class',
  description:
    'This user had never had an agent touch this class of paths (credentials, keys, shell start-up files, system files…), ' +
    'and few sessions in the fleet do.',
  severity: 'medium',
  attack: ['T1552.001', 'T1546.004'],
  falsepositives: ['A first-time setup task (configuring SSH or a cloud CLI) done through the agent'],
  triage: 'Did the user ask for this? Check the prompt before the access and what the session did next.',
  thresholds,
  kind: 'novelty',
  fixtures: {
    positive: {
      history: warmFleet(100),
      session: [{ kind: 'file_read', tool: 'Read', target: '/home/zed/.ssh/id_ed25519', t: 0 }],
    },
    negative: {
      history: warmFleet(100),
      session: [{ kind: 'file_read', tool: 'Read', target: 'src/index.ts', t: 0 }],
    },
  },
  keys(obs) {
    return pathKeys(obs.facts);
  },
  observe(obs, s, ctx) {
    if (obs.actionClass === 'other') return NO_HITS;
    return obs.facts.tags
      .filter((t) => t in CLASSES)
      .flatMap((t) =>
        noveltyHit({ id: this.id, thresholds }, 'user', `path:${t}`, `access to ${CLASSES[t]}`, obs, s, ctx),
      );
  },
};
