import type { RuleId } from '../taxonomy/rules.js';
import { analyzeCommandLine, initShellParser } from './index.js';

export const WORKSPACE = '/home/dev/project';

/** Rule ids the analysis raises for a command run in WORKSPACE with the default host allowlist. */
export async function rulesFor(command: string): Promise<RuleId[]> {
  const parser = await initShellParser();
  const { findings } = analyzeCommandLine(command, {
    parser,
    workspace: WORKSPACE,
    hosts: { allow: ['github.com', 'registry.npmjs.org', 'pypi.org', 'localhost', '127.0.0.1'], deny: [] },
  });
  return findings.map((f) => f.rule);
}
