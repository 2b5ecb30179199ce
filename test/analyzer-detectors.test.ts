import { beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_DETECTORS, createAnalyzer, type DetectorMeta, streamDetectors } from '../analyzer/index.js';
import type { Alert } from '../schema/index.js';
import { SEVERITIES } from '../schema/index.js';
import type { Store } from '../store/index.js';
import { fixtureEvents } from './helpers/analyzer.js';
import { testStore } from './helpers/store.js';

const ALL: DetectorMeta[] = [...streamDetectors(), ...BASELINE_DETECTORS];

describe('every detector declares what an analyst needs', () => {
  it('has unique ids and at least 25 detectors of all four kinds', () => {
    const ids = ALL.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ALL.map((d) => d.kind))).toEqual(
      new Set(['signature', 'novelty', 'baseline', 'sequence']),
    );
  });

  it.each(ALL.map((d) => [d.id, d] as const))(
    '%s: metadata, ATT&CK ids, thresholds as data, fixtures',
    (_id, d) => {
      expect(d.title.length, 'title').toBeGreaterThan(5);
      expect(d.description.length, 'description').toBeGreaterThan(30);
      expect(SEVERITIES).toContain(d.severity);
      expect(d.attack.length, 'ATT&CK ids').toBeGreaterThan(0);
      for (const a of d.attack) expect(a).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(d.falsepositives.length, 'known false positives').toBeGreaterThan(0);
      expect(d.triage.length, 'triage note').toBeGreaterThan(20);
      expect(typeof d.thresholds).toBe('object');
      for (const v of Object.values(d.thresholds)) expect(Number.isFinite(v)).toBe(true);
      if (d.kind !== 'signature')
        expect(Object.keys(d.thresholds).length, 'code detectors keep thresholds as data').toBeGreaterThan(0);
      expect(d.fixtures.positive.session.length).toBeGreaterThan(0);
      expect(d.fixtures.negative.session.length).toBeGreaterThan(0);
    },
  );
});

describe('every detector fires on its positive fixture and not on its negative (real engine, embedded ClickHouse)', () => {
  let store: Store;
  const alertsBySession = new Map<string, Alert[]>();
  const sessionOf = (d: DetectorMeta, which: 'pos' | 'neg') => `fx-${d.id}-${which}`;

  beforeAll(async () => {
    store = await testStore('ward_analyzer_detectors');
    const events = ALL.flatMap((d) =>
      (['pos', 'neg'] as const).flatMap((which) =>
        fixtureEvents(which === 'pos' ? d.fixtures.positive : d.fixtures.negative, {
          session: sessionOf(d, which),
          user: `user-${d.id}-${which}`,
          repo: `https://git.example/fx/${d.id}-${which}`,
        }),
      ),
    );
    await store.events.insert(events);
    const { loop } = await createAnalyzer({ store, lease: false });
    while ((await loop.runOnce()) > 0) {
      // catch up
    }
    for (const d of ALL)
      for (const which of ['pos', 'neg'] as const) {
        const { alerts } = await store.alerts.list({
          session: sessionOf(d, which),
          sort: 'time',
          order: 'desc',
          limit: 100,
        });
        alertsBySession.set(sessionOf(d, which), alerts);
      }
  }, 180_000);

  it.each(ALL.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    const pos = alertsBySession.get(sessionOf(d, 'pos')) ?? [];
    const neg = alertsBySession.get(sessionOf(d, 'neg')) ?? [];
    const hit = pos.find((a) => a.rule_id === d.id);
    expect(
      hit,
      `${d.id} on its positive fixture (alerts: ${pos.map((a) => a.rule_id).join(', ')})`,
    ).toBeDefined();
    expect(hit?.explanation.length).toBeGreaterThan(0);
    expect(hit?.attack_ids).toEqual(d.attack);
    expect(
      neg.map((a) => a.rule_id),
      `${d.id} on its negative fixture`,
    ).not.toContain(d.id);
  });
});
