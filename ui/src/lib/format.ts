/** "12:03:44" today, "Nov 26 12:03" otherwise: short, local time. */
export function shortTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = new Date(t);
  const today = new Date(now).toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
    : d.toLocaleString([], {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      });
}

/** Whole seconds as "40 s", "12 min", "3 h", "2 d". */
function span(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** "3 min ago", "2 h ago". */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return '';
  return `${span(Math.max(0, s))} ago`;
}

/**
 * How far an event's arrival is from the time its sender claims, when more than a minute: "arrived 3 h later"
 * (held back, or backdated), "arrived 5 min before its time" (dated ahead); '' otherwise, or when the server did
 * not say when it arrived.
 */
export function arrivalGap(time: string, receivedAt: string | undefined): string {
  const late = Math.round((Date.parse(receivedAt ?? '') - Date.parse(time)) / 1000);
  if (!Number.isFinite(late) || Math.abs(late) <= 60) return '';
  return late > 0 ? `arrived ${span(late)} later` : `arrived ${span(-late)} before its time`;
}

/** Milliseconds as "850 ms" / "3.2 s". */
export function duration(ms: number | null): string {
  if (ms === null) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** A value of any kind as short display text (numbers rounded). */
export function display(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Whether a key event comes from a text field (global shortcuts then stay out of the way). */
export function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

/** A repo URL as owner/name ("https://github.com/acme/api.git" → "acme/api"); other text unchanged. */
export function shortRepo(repo: string): string {
  const m = /^(?:https?:\/\/|git@)[^/:]+[/:](.+?)(?:\.git)?\/?$/.exec(repo);
  return m?.[1] ?? repo;
}
