import { describe, expect, it } from 'vitest';
import { mergeSandboxLayers } from './merge-layers.js';
import { defaultSandboxPolicy } from './sandbox-defaults.js';
import { SandboxPolicy } from './sandbox-policy.js';

describe('sandbox policy', () => {
  it('has one set of defaults (zod and the fast path agree)', () => {
    expect(SandboxPolicy.parse({})).toEqual(defaultSandboxPolicy());
  });

  it('refuses home entries that would show the whole home or climb out of it', () => {
    for (const bad of ['~', '~/', '.', '../etc', '.config/../..']) {
      expect(SandboxPolicy.safeParse({ home: { readOnly: [bad] } }).success, bad).toBe(false);
    }
    expect(SandboxPolicy.parse({ home: { writable: ['.npm', '~/.cache/pip'] } }).home.writable).toEqual([
      '.npm',
      '~/.cache/pip',
    ]);
  });

  it('adds home lists across layers; an organisation that withholds agent logins cannot be overruled', () => {
    const merged = mergeSandboxLayers([
      { section: { home: { readOnly: ['.m2'], agentCredentials: false } }, managed: true },
      { section: { home: { readOnly: ['.gradle'], agentCredentials: true } }, managed: false },
    ]);
    expect(merged.home).toEqual({ readOnly: ['.m2', '.gradle'], agentCredentials: false });
    const open = mergeSandboxLayers([{ section: { home: { agentCredentials: true } }, managed: false }]);
    expect(open.home?.agentCredentials).toBe(true);
  });
});
