import { migration as m1 } from './0001-otel-raw-tables.js';
import { migration as m2 } from './0002-agent-events.js';
import { migration as m3 } from './0003-workflow-tables.js';
import { migration as m4 } from './0004-auth-and-receipts.js';
import { migration as m5 } from './0005-grants.js';
import { migration as m10 } from './0010-analyzer.js';
import { migration as m20 } from './0020-audit-chains.js';
import { migration as m21 } from './0021-retention.js';
import { migration as m30 } from './0030-requester-binding.js';
import { migration as m31 } from './0031-command-digest.js';
import { migration as m45 } from './0045-agent-events-compact.js';
import { migration as m46 } from './0046-agent-events-by-time.js';
import { migration as m55 } from './0055-approval-resolve-once.js';
import { migration as m60 } from './0060-ingest-merge-width.js';
import { migration as m61 } from './0061-ingest-small-granules.js';
import { migration as m62 } from './0062-ingest-vertical-merges.js';
import { migration as m63 } from './0063-ingest-wide-parts.js';
import { migration as m64 } from './0064-alert-triage.js';
import { migration as m65 } from './0065-session-secret-reads.js';
import { migration as m66 } from './0066-event-sender.js';
import { migration as m67 } from './0067-sender-risk.js';
import { migration as m68 } from './0068-sighting-received.js';
import { migration as m69 } from './0069-analyzer-steps.js';
import { migration as m70 } from './0070-agent-events-earliest-arrival.js';
import { migration as m71 } from './0071-alert-raised-at.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

/** Every migration, in order. Append only: never edit or renumber one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  m1,
  m2,
  m3,
  m4,
  m5,
  m10,
  m20,
  m21,
  m30,
  m31,
  m45,
  m46,
  m55,
  m60,
  m61,
  m62,
  m63,
  m64,
  m65,
  m66,
  m67,
  m68,
  m69,
  m70,
  m71,
];
