/** The notes under a table joined, or none. */
export const notes = (...parts: (string | undefined)[]) => parts.filter(Boolean).join('; ') || undefined;

/** The report cuts commands at 300 characters (their text then ends in '…'); the PDF says so under the table. */
export const cutNote = (items: readonly { command_truncated: boolean }[]) => {
  const n = items.filter((i) => i.command_truncated).length;
  return n > 0
    ? `${n} command(s) longer than 300 characters cut: shown up to the cut, ending in '…'`
    : undefined;
};
