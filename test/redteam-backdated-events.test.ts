/**
 * Red team (security review): events stamped with an old time (hours back, inside the raw retention) or a time
 * ahead (inside the accepted 24 h) showed at the claimed time, and nothing said when they arrived: an agent could
 * slip actions into the past of a session an analyst had already read. The arrival time was stored
 * (`ingested_at`) but not served. GET /api/events and GET /api/sessions/:id now give each event's
 * `received_at`, and the session timeline marks an event that arrived more than a minute off its claimed time.
 * A real `ward serve` (embedded ClickHouse), OTLP sent with a runner token, the page in headless Chromium.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claudeSessionsBody } from './helpers/otlp-json-logs.js';
import { startWardServe, type WardProcess } from './helpers/ward-serve.js';

const CHROMIUM = '/usr/bin/chromium';
const canRun =
  existsSync(CHROMIUM) && existsSync(join(import.meta.dirname, '..', 'ui', 'dist', 'index.html'));
const SESSION = 'backdated-session';
const HOUR = 3_600_000;

let ward: WardProcess;
let sentAt = 0;
/** What each command's event claims. */
const claimed = new Map<string, number>();

interface Served {
  event_id: string;
  time: string;
  command: string;
  received_at?: string;
}

async function get<T>(path: string): Promise<T> {
  const res = await fetch(`${ward.url}${path}`, { headers: { authorization: `Bearer ${ward.adminToken}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

beforeAll(async () => {
  ward = await startWardServe();
  const mint = await fetch(`${ward.url}/api/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ward.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'agent', role: 'runner' }),
  });
  const runner = ((await mint.json()) as { token: string }).token;
  sentAt = Date.now();
  claimed.set('echo backdated', sentAt - 3 * HOUR);
  claimed.set('echo on-time', sentAt);
  claimed.set('echo ahead', sentAt + 2 * HOUR);
  for (const [command, startMs] of claimed) {
    const res = await fetch(`${ward.url}/v1/logs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${runner}`, 'content-type': 'application/json' },
      body: claudeSessionsBody([{ id: SESSION, commands: [command], startMs }]),
    });
    expect(res.status).toBe(200);
  }
}, 120_000);

afterAll(async () => {
  await ward?.stop();
});

/** The served events by command: at the claimed time, received when they were sent. */
function expectReceived(events: readonly Served[]): void {
  expect(events.map((e) => e.command).sort()).toEqual([...claimed.keys()].sort());
  for (const e of events) {
    expect(Math.abs(Date.parse(e.time) - (claimed.get(e.command) as number)), e.command).toBeLessThan(2);
    expect(e.received_at, e.command).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const received = Date.parse(e.received_at as string);
    expect(received, e.command).toBeGreaterThanOrEqual(sentAt - 1000);
    expect(received, e.command).toBeLessThan(Date.now() + 1000);
  }
}

describe('backdated and forward-dated events: the arrival time is served', () => {
  it('GET /api/events gives each event the time it claims and the time it was received', async () => {
    const page = await get<{ events: Served[] }>(`/api/events?session=${SESSION}`);
    expectReceived(page.events);
  });

  it('GET /api/sessions/:id gives the timeline the same', async () => {
    const timeline = await get<{ events: Served[] }>(`/api/sessions/${SESSION}`);
    expectReceived(timeline.events);
    // The timeline stays in claimed-time order: the marker, not the order, tells a late arrival.
    expect(timeline.events.map((e) => e.command)).toEqual(['echo backdated', 'echo on-time', 'echo ahead']);
  });
});

describe.runIf(canRun)('the session timeline marks a late or early arrival (headless Chromium)', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultTimeout(15_000);
    await page.goto(ward.loginUrl);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('shows "arrived 3 h later" and "arrived 2 h before its time" as inert text, nothing on time', async () => {
    await page.goto(`${ward.url}/sessions/${SESSION}`);
    await page.getByRole('heading', { level: 1, name: 'Session' }).waitFor();
    const rows = page.getByTestId('timeline-row');
    await expect.poll(() => rows.count()).toBe(3);
    const marker = (command: string) =>
      rows.filter({ hasText: command }).getByTestId('arrival-gap').allTextContents();
    expect(await marker('echo backdated')).toEqual(['arrived 3 h later']);
    expect(await marker('echo ahead')).toEqual(['arrived 2 h before its time']);
    expect(await marker('echo on-time')).toEqual([]);
    // A marker, not a control: nothing in it to click or follow.
    const gap = rows.filter({ hasText: 'echo backdated' }).getByTestId('arrival-gap');
    expect(await gap.evaluate((el) => el.querySelectorAll('a, button, input').length)).toBe(0);
    expect(await gap.evaluate((el) => el.tagName)).toBe('SPAN');
  });
});
