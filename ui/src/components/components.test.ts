import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import CommandView from './CommandView.svelte';
import Countdown from './Countdown.svelte';
import InertText from './InertText.svelte';
import StateBox from './StateBox.svelte';
import WhyFlagged from './WhyFlagged.svelte';

/** The page's text from server-rendered markup: hydration comments and tags out, entities kept. */
const textOf = (html: string) => html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '');
const bare = (html: string) => html.replace(/<!--[\s\S]*?-->/g, '');

const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script> \u001b[31mred \u202Eexe.txt';

describe('components (server-rendered markup)', () => {
  it('CommandView renders an attacker command as escaped text with visible control markers', () => {
    const body = bare(render(CommandView, { props: { command: HOSTILE } }).body);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<script');
    expect(textOf(body)).toContain('&lt;img src=x onerror=alert(1)>&lt;script>alert(2)&lt;/script>');
    expect(body).toContain('<span class="ctrl');
    expect(body).toContain('\\x1b');
    expect(body).toContain('U+202E');
    expect(body).not.toContain('\u001b');
    expect(body).not.toContain('\u202e');
    expect(body).toContain('dir="ltr"');
    expect(body).toContain('control, escape or invisible characters');
  });

  it('CommandView highlights the program and flags of a plain command without a warning', () => {
    const body = bare(render(CommandView, { props: { command: 'git push --force origin main' } }).body);
    expect(body).toMatch(/tok program[^>]*>git</);
    expect(body).toMatch(/tok flag[^>]*>--force</);
    expect(body).not.toContain('invisible characters');
  });

  it('InertText escapes markup in any agent text', () => {
    const { body } = render(InertText, { props: { text: '<b onmouseover="x()">hi</b>\u200b' } });
    expect(textOf(body)).toContain('&lt;b onmouseover="x()">hi&lt;/b>');
    expect(body).not.toContain('<b ');
    expect(body).toContain('U+200B');
  });

  it('StateBox says loading, error, not available (naming the missing part) or empty', () => {
    const html = (props: Record<string, unknown>) =>
      render(StateBox, { props: { what: 'alerts', ...props } }).body;
    expect(html({ loading: true, empty: true })).toContain('Loading alerts');
    expect(html({ error: 'boom' })).toContain('Could not load alerts: boom');
    expect(html({ missing: true, needs: 'alerts API (the analyzer)' })).toContain(
      'Alerts not available: this server has no alerts API (the analyzer) yet.',
    );
    expect(html({ empty: true, emptyText: 'No alerts match these filters.' })).toContain('No alerts match');
  });

  it('Countdown shows m:ss and turns urgent under 30 s', () => {
    expect(render(Countdown, { props: { seconds: 125, total: 300 } }).body).toContain('2:05');
    expect(render(Countdown, { props: { seconds: 9, total: 300 } }).body).toMatch(/countdown[^"]*urgent/);
  });

  it('WhyFlagged lists each factor with value, baseline and deviation, and ATT&CK links', () => {
    const { body } = render(WhyFlagged, {
      props: {
        explanation: [
          {
            rule: 'novel-host',
            value: 'paste.example',
            baseline: '0 of 40 sessions',
            deviation: 3.2,
            text: 'first contact',
          },
        ],
        attackIds: ['T1048.003'],
      },
    });
    expect(body).toContain('novel-host');
    expect(body).toContain('0 of 40 sessions');
    expect(body).toContain('3.20');
    expect(body).toContain('https://attack.mitre.org/techniques/T1048/003/');
    expect(render(WhyFlagged, { props: { explanation: 'old single string' } }).body).toContain(
      'old single string',
    );
  });
});

describe('Badge', () => {
  it('shows agent-supplied text inert and ignores an unknown tone', async () => {
    const { default: Badge } = await import('./Badge.svelte');
    const body = render(Badge, { props: { text: '<b>x</b>\u001b[1m', tone: 'evil" onclick="x' } }).body;
    expect(body).toContain('&lt;b>x&lt;/b>\\x1b[1m');
    expect(body).toContain('tone-neutral');
    expect(body).not.toContain('onclick');
  });
});

describe('TimelineRow', () => {
  const row = async (time: string, received_at: string) => {
    const { default: TimelineRow } = await import('./TimelineRow.svelte');
    const event = {
      event_id: 'e1',
      time,
      received_at,
      agent: 'codex',
      agent_version: '',
      session_id: 's',
      user_id: '',
      host: '',
      repo: '',
      cwd: '',
      kind: 'command' as const,
      event_name: '',
      tool: 'shell',
      call_id: '',
      command: 'ls',
      target: '',
      decision: '' as const,
      decision_source: '',
      exit_code: null,
      duration_ms: null,
      bytes_in: null,
      bytes_out: null,
      success: null,
      trace_id: '',
      span_id: '',
      raw_table: '' as const,
      raw_time: time,
      attributes: {},
      missing: [],
    };
    const props = { event, lane: 'command' as const, evidence: false, expanded: false, raw: undefined };
    return textOf(render(TimelineRow, { props: { ...props, onToggle: () => {} } }).body);
  };

  it('marks an event that arrived more than a minute off the time it claims, either way', async () => {
    expect(await row('2026-12-04T07:00:00.000000000Z', '2026-12-04T10:00:30.000Z')).toContain(
      'arrived 3 h later',
    );
    expect(await row('2026-12-04T10:05:00.000000000Z', '2026-12-04T10:00:00.000Z')).toContain(
      'arrived 5 min before its time',
    );
    for (const received of ['2026-12-04T10:00:59.000Z', ''])
      expect(await row('2026-12-04T10:00:00.000000000Z', received)).not.toContain('arrived');
  });
});
