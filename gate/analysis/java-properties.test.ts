import { describe, expect, it } from 'vitest';
import { readProperties } from './java-properties.js';

describe('readProperties (gradle.properties, the wrappers’ properties)', () => {
  it('reads the separators, escapes, comments and continued lines Java reads', () => {
    const p = readProperties(
      '# a comment\n! another\ndistributionUrl=https\\://services.gradle.org/x.zip\nkey: value\nspaced  v\norg.gradle.jvmargs=-Xmx2g \\\n    -javaagent:a.jar\nuni=\\u0041\n',
    );
    expect(p.get('distributionUrl')).toBe('https://services.gradle.org/x.zip');
    expect(p.get('key')).toBe('value');
    expect(p.get('spaced')).toBe('v');
    expect(p.get('org.gradle.jvmargs')).toBe('-Xmx2g -javaagent:a.jar');
    expect(p.get('uni')).toBe('A');
    expect(p.has('# a comment')).toBe(false);
  });

  it('takes an even run of backslashes at the end as a backslash, not a continuation', () => {
    const p = readProperties('a=x\\\\\nb=y\n');
    expect(p.get('a')).toBe('x\\');
    expect(p.get('b')).toBe('y');
  });
});
