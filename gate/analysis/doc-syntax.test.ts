import { describe, expect, it } from 'vitest';
import { repairDocumentationSyntax, withoutPrompt } from './doc-syntax.js';
import { rulesFor } from './test-helpers.js';

describe('documentation notation the grammar rejects', () => {
  it('rewrites a prompt, placeholders, extended globs, open alternatives and cut-short commands', () => {
    expect(withoutPrompt('$ ls -la')).toBe('ls -la');
    expect(withoutPrompt('$HOME/bin/x')).toBe('$HOME/bin/x');
    expect(repairDocumentationSyntax('du -s <file>')).toBe('du -s "$DOC_file"');
    expect(repairDocumentationSyntax('ls -d !(*.[ch])')).toBe('ls -d *');
    expect(repairDocumentationSyntax('npm pkg get name|version|')).toBe('npm pkg get name|version');
    expect(repairDocumentationSyntax("find -name '*.jpg")).toBe("find -name '*.jpg'");
    expect(repairDocumentationSyntax('find . -exec ls {} \\; \\')).toBe('find . -exec ls {} \\; ');
    expect(repairDocumentationSyntax('for f do echo $f; done')).toBe('for f in "$@"; do echo $f; done');
    expect(repairDocumentationSyntax('(find . | head -2')).toBe('(find . | head -2)');
    // `cat <in>out` is a real redirect (bash runs it): not a placeholder.
    expect(repairDocumentationSyntax('cat <in>out')).toBeNull();
    expect(repairDocumentationSyntax('ls src')).toBeNull();
  });

  it('still finds what the rewritten text does (never less than bash could run)', async () => {
    expect(await rulesFor('$ rm -rf ~')).toContain('destroy.rm-root');
    expect(await rulesFor('ls !(b*); cat ~/.ssh/id_rsa')).toContain('read.ssh-key');
    expect(await rulesFor("cat ~/.aws/credentials '")).toContain('read.secret');
    expect(await rulesFor('sudo <cmd>')).toContain('priv.sudo');
    expect(await rulesFor("find . -exec sh -c 'for f do cat ~/.ssh/id_rsa; done' _ {} +")).toContain(
      'read.ssh-key',
    );
    expect(await rulesFor('(cat ~/.netrc | head -2')).toContain('read.secret');
    for (const cmd of ['ps -fp <pid>', 'ls -d !(*@(.c|.h))', "find . -name '*.jpg"])
      expect(await rulesFor(cmd), cmd).toEqual([]);
    // A pasted prompt runs a program named `$`: only that is reported, the command after it is analysed as usual.
    expect(await rulesFor('$ tar xvfJ a.tar.xz')).toEqual(['exec.unknown-program']);
  });
});
