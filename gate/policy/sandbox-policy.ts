import { z } from 'zod';
import { DEFAULT_LIMITS as D } from './sandbox-defaults.js';

/** Resource limits applied to every sandboxed command (rlimits inside the sandbox, a wall clock outside). */
export const SandboxLimits = z
  .object({
    timeoutS: z
      .number()
      .positive()
      .max(7 * 24 * 3600)
      .default(D.timeoutS)
      .describe('Wall-clock seconds before the whole sandbox is killed (SIGKILL to every process in it)'),
    cpuS: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600)
      .default(D.cpuS)
      .describe('CPU seconds (RLIMIT_CPU)'),
    memoryMb: z
      .number()
      .int()
      .min(16, 'below 16 MiB even a shell cannot start')
      .default(D.memoryMb)
      .describe('Writable private memory per process in MiB (RLIMIT_DATA)'),
    processes: z
      .number()
      .int()
      .min(4, 'a shell pipeline needs a few processes')
      .default(D.processes)
      .describe('Processes and threads inside the sandbox (RLIMIT_NPROC of the sandbox user namespace)'),
    fileSizeMb: z
      .number()
      .int()
      .positive()
      .default(D.fileSizeMb)
      .describe('Largest file a command may write, MiB (RLIMIT_FSIZE)'),
  })
  .strict();
export type SandboxLimits = z.infer<typeof SandboxLimits>;

const homePath = z
  .string()
  .min(1)
  .refine(
    (s) => !s.split('/').includes('..') && s !== '~' && s !== '.' && s !== '~/',
    'a home entry is a path under $HOME (relative or ~/…), not $HOME itself and without ..',
  );

/**
 * What the sandbox sees of $HOME: an empty, private home with only these paths bound in from the real one
 * (an allow-list, so a credential file nobody thought of stays out). Credential files stay hidden even
 * inside an allowed directory.
 */
export const SandboxHome = z
  .object({
    readOnly: z
      .array(homePath)
      .default([])
      .describe(
        'Paths under $HOME shown read-only, besides the built-in ones (git config, toolchains, directories on PATH, ~/.ward/policy.yaml)',
      ),
    writable: z
      .array(homePath)
      .default([])
      .describe(
        'Paths under $HOME shown read-write, e.g. .npm or .cache/pip; what a command writes there persists',
      ),
    agentCredentials: z
      .boolean()
      .default(false)
      .describe(
        'ward run: show the agent its own login file read-only (~/.claude/.credentials.json, ~/.codex/auth.json, ~/.gemini/oauth_creds.json); otherwise pass an API key through `env`',
      ),
  })
  .strict();

const hostPort = z
  .string()
  .min(1)
  .max(260)
  .refine((s) => !/\s|\/|@/.test(s), 'a network allow entry is HOST or HOST:PORT (no scheme, path or user)');

/** The sandbox policy: what a command may see, write, reach and use. Loaded from the `sandbox:` key; unknown keys are errors (a typo must not drop a rule). */
export const SandboxPolicy = z
  .object({
    workspace: z
      .string()
      .min(1)
      .optional()
      .describe('Writable project directory; default the current directory. Must not be / or your home'),
    writable: z
      .array(z.string().min(1))
      .default([])
      .describe('Extra writable directories besides the workspace and the private /tmp'),
    hidden: z
      .array(z.string().min(1))
      .default([])
      .describe('Extra paths to hide (empty dir or /dev/null over them), added to the built-in secret paths'),
    readOnly: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Extra paths kept read-only even inside a writable root (relative paths are per writable root)',
      ),
    env: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'an env entry is a NAME or a NAME_PREFIX*'),
      )
      .default([])
      .describe(
        'Environment names passed in besides the safe defaults; the only way a secret-looking name gets in',
      ),
    allowNet: z
      .array(hostPort)
      .default([])
      .describe(
        'Hosts (HOST or HOST:PORT) reachable through the allowlist proxy; empty means no network at all',
      ),
    trackFiles: z
      .boolean()
      .default(true)
      .describe('Snapshot writable roots before and after to report file changes'),
    home: SandboxHome.default({ readOnly: [], writable: [], agentCredentials: false }).describe(
      'What the sandbox sees of $HOME (empty but for an allow-list)',
    ),
    limits: SandboxLimits.default({ ...D }).describe('Resource limits'),
  })
  .strict();
export type SandboxPolicy = z.infer<typeof SandboxPolicy>;
/** Policy as written by a user (defaults not yet applied). */
export type SandboxPolicyInput = z.input<typeof SandboxPolicy>;
