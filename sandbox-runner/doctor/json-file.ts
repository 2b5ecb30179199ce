import { readFileSync } from 'node:fs';

/** A JSON object as read from a settings file. */
export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A settings file's JSON object, or undefined when it is missing, unreadable, not JSON or not an object. */
export function readJson(file: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isObj(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
