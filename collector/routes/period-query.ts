import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';

const MAX_PERIOD_DAYS = 3 * 366;

const isoTime = z
  .string()
  .max(64)
  .refine(
    (s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)),
    'must be an ISO 8601 date or time',
  )
  .transform((s) => new Date(Date.parse(s)).toISOString());

/** A list given as repeated or comma-separated parameters (`agent=a&agent=b` or `agent=a,b`). */
export function listParam(values: string[] | undefined, name: string): string[] {
  const out = [
    ...new Set(
      (values ?? [])
        .flatMap((v) => v.split(','))
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ].sort();
  if (out.length > 100) throw new HTTPException(400, { message: `${name}: at most 100 values` });
  if (out.some((v) => v.length > 512))
    throw new HTTPException(400, { message: `${name}: a value over 512 characters` });
  return out;
}

/** A required period [from, to) of at most three years, as ISO UTC strings; 400 with the reason otherwise. */
export function parsePeriod(from: string | undefined, to: string | undefined): { from: string; to: string } {
  const f = isoTime.safeParse(from);
  const t = isoTime.safeParse(to);
  if (!f.success || !t.success)
    throw new HTTPException(400, {
      message: 'from and to are required ISO 8601 times (e.g. 2026-11-01T00:00:00Z)',
    });
  if (Date.parse(t.data) <= Date.parse(f.data))
    throw new HTTPException(400, { message: 'to must be after from' });
  if (Date.parse(t.data) - Date.parse(f.data) > MAX_PERIOD_DAYS * 86_400_000)
    throw new HTTPException(400, { message: 'a period is at most three years' });
  return { from: f.data, to: t.data };
}

/** An optional period for listings: each bound may be missing. */
export function optionalPeriod(
  from: string | undefined,
  to: string | undefined,
): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  for (const [k, v] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (v === undefined || v === '') continue;
    const p = isoTime.safeParse(v);
    if (!p.success) throw new HTTPException(400, { message: `${k} must be an ISO 8601 time` });
    out[k] = p.data;
  }
  return out;
}
