/**
 * Options a build tool gives the JVM it starts, from a project file (`.mvn/jvm.config`, gradle.properties'
 * `org.gradle.jvmargs`) or the command line (`-Dorg.gradle.jvmargs=…`): those that make the JVM run code the gate
 * cannot read (an agent jar or library, classes put before the JDK's or in place of its class loader, Maven's
 * extension jars, more options from a file), and the commands it runs on a crash (`-XX:OnError`,
 * `-XX:OnOutOfMemoryError`: a shell command line each, `;` between several).
 */

/** What the options make the JVM run: command lines to judge, and the options that load unread code. */
export interface JvmOptions {
  commands: string[];
  unread: string[];
}

/** Options that load code (or options) from a file: the gate reads no jar, library or class. */
const LOADS =
  /^(?:-javaagent:|-agentpath:|-agentlib:|-Xbootclasspath(?:\/[ap])?:|--patch-module(?:=|$)|--upgrade-module-path(?:=|$)|-Djava\.system\.class\.loader=|-Djava\.security\.manager=(?!(?:allow|disallow|default)$)|-Dmaven\.ext\.class\.path=|-Dclassworlds\.conf=|-XX:(?:Flags|VMOptionsFile)=|@)/;
/** Text that may hold one of LOADS' options (but `@file`, which is the launcher's only). */
const MENTIONS =
  /-(?:javaagent|agentpath|agentlib|Xbootclasspath|-patch-module|-upgrade-module-path|Djava\.s(?:ystem|ecurity)|Dmaven\.ext|Dclassworlds|XX:(?:Flags|VMOptionsFile))/;
/** Options whose value is a command line the JVM runs. */
const RUNS = /^-XX:(?:OnError|OnOutOfMemoryError)=(.*)$/s;
/** Options the JVM reads as code-loading only as a pair (`--patch-module m=dir`). */
const PAIRED = /^(?:--patch-module|--upgrade-module-path)$/;

/** The words of option text as the JVM launcher and Gradle split it: at blanks, quotes kept together. */
export function optionWords(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g))
    out.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, (_, a?: string, b?: string) => a ?? b ?? ''));
  return out;
}

/** What JVM options make the JVM run; `words` as the launcher gets them. */
export function readJvmOptions(words: readonly string[]): JvmOptions {
  const commands: string[] = [];
  const unread: string[] = [];
  words.forEach((w, i) => {
    const run = RUNS.exec(w);
    if (run) {
      for (const line of (run[1] ?? '').split(';')) if (line.trim() !== '') commands.push(line.trim());
      return;
    }
    if (LOADS.test(w)) unread.push(PAIRED.test(w) ? `${w} ${words[i + 1] ?? ''}`.trim() : w);
  });
  return { commands, unread };
}

/**
 * The first option in `text` (any text that holds options: a `key=value` line's value too) that loads code the
 * gate cannot read, if any: what a file written now makes the JVM load at the next build.
 */
export function jvmLoadFinding(text: string): string | undefined {
  // Most config text names none of these options: one pass over it says so.
  if (!MENTIONS.test(text)) return undefined;
  for (const w of optionWords(text.replace(/\\\r?\n/g, ' '))) {
    // An `@file` word is the launcher's only: in config text it is a scope (`@acme:registry=…`).
    const m = [w, w.slice(w.indexOf('=') + 1)]
      .map((x) => (x.startsWith('-') ? LOADS.exec(x) : null))
      .find(Boolean);
    if (m) return m[0].replace(/[:=]$/, '');
  }
  return undefined;
}
