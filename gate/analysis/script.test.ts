import { beforeAll, describe, expect, it } from 'vitest';
import { initShellParser, type ShellParser } from './parser.js';
import { collectCommands, type SimpleCommand, UNKNOWN } from './script.js';

let parser: ShellParser;
beforeAll(async () => {
  parser = await initShellParser();
});

function commands(text: string): SimpleCommand[] {
  const parsed = parser.parse(text);
  if (!parsed) throw new Error(`unparseable: ${text}`);
  try {
    return collectCommands(parsed.root);
  } finally {
    parsed.dispose();
  }
}
const names = (text: string) => commands(text).map((c) => c.argv[0]);

describe('shell splitting', () => {
  it('splits pipelines and links producer to consumer', () => {
    const [a, b, c] = commands('cat a.txt | grep x | wc -l');
    expect([a?.argv[0], b?.argv[0], c?.argv[0]]).toEqual(['cat', 'grep', 'wc']);
    expect(b?.pipeFrom).toBe(a);
    expect(b?.pipeTo).toBe(c);
  });

  it('splits && || ; lists, subshells and blocks', () => {
    expect(names('make && ./run || echo failed; (cd sub && ls) ; { pwd; }')).toEqual([
      'make',
      './run',
      'echo',
      'cd',
      'ls',
      'pwd',
    ]);
  });

  it('finds commands inside command and process substitution', () => {
    expect(names('echo "$(whoami)" `hostname`')).toEqual(['whoami', 'hostname', 'echo']);
    expect(names('diff <(sort a) <(sort b)')).toEqual(['sort', 'sort', 'diff']);
    const inner = commands('x=$(id -u)');
    expect(inner.find((c) => c.argv[0] === 'id')?.substituted).toBe(true);
  });

  it('attaches heredoc bodies to the command that reads them, and keeps the rest of the pipe', () => {
    const cmds = commands("python3 - <<'EOF'\nprint('hi')\nEOF\n");
    expect(cmds[0]?.argv[0]).toBe('python3');
    expect(cmds[0]?.stdinText).toContain("print('hi')");
    const piped = commands('cat <<EOF | sh\necho hi\nEOF\n');
    expect(piped.map((c) => c.argv[0])).toEqual(['cat', 'sh']);
    expect(piped[1]?.pipeFrom).toBe(piped[0]);
  });

  it('records redirections with their operator and target', () => {
    const [cmd] = commands('ps aux >> /tmp/out.txt 2>/dev/null < input');
    expect(cmd?.redirects).toEqual([
      { op: '>>', fd: '', target: '/tmp/out.txt' },
      { op: '>', fd: '2', target: '/dev/null' },
      { op: '<', fd: '', target: 'input' },
    ]);
  });

  it('resolves variables assigned earlier, and marks what is only known at run time', () => {
    const cmds = commands('f=/etc/shadow\nd="/usr"; t="../etc/group"; cat "$f" "$d/$t" "$1" ~/x');
    const cat = cmds.find((c) => c.argv[0] === 'cat');
    expect(cat?.argv.slice(1)).toEqual(['/etc/shadow', '/usr/../etc/group', UNKNOWN, '~/x']);
  });

  it('tracks cd so relative paths resolve against it', () => {
    const cmds = commands('cd /tmp/work; split -b 10 big');
    expect(cmds[1]?.cwd).toBe('/tmp/work');
  });

  it('returns null for input it cannot parse instead of throwing', () => {
    expect(parser.parse("echo 'unterminated")).toBeNull();
    expect(parser.parse('if then fi (')).toBeNull();
  });
});
