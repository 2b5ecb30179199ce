/** The files a patch body touches: Codex's apply_patch envelope, or unified diff headers. */
export function pathsInPatch(patch: string): string[] {
  const out = new Set<string>();
  for (const m of patch.matchAll(/^\*\*\* (?:Add File|Update File|Delete File|Move to): *(.+?) *$/gm))
    if (m[1]) out.add(m[1]);
  if (out.size === 0)
    for (const m of patch.matchAll(/^(?:\+\+\+|---) (?:[ab]\/)?(.+?)(?:\t.*)? *$/gm))
      if (m[1] && m[1] !== '/dev/null') out.add(m[1]);
  return [...out].slice(0, 256);
}
