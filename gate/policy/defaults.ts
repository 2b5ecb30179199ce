import type { Mode } from './schema.js';

/** Risk thresholds per mode: risk >= ask asks, risk >= deny denies. ci turns every ask into deny. */
export const MODE_THRESHOLDS: Record<Mode, { ask: number; deny: number }> = {
  strict: { ask: 0.1, deny: 0.9 },
  balanced: { ask: 0.4, deny: 0.9 },
  autonomous: { ask: 0.7, deny: 0.95 },
  ci: { ask: 0.4, deny: 0.9 },
};

/** Package registries and code hosts an agent normally needs. */
export const DEFAULT_ALLOW_HOSTS = [
  'localhost',
  '127.0.0.1',
  '::1',
  '[::1]',
  'github.com',
  'api.github.com',
  'codeload.github.com',
  'gitlab.com',
  'bitbucket.org',
  'registry.npmjs.org',
  'registry.yarnpkg.com',
  'pypi.org',
  'files.pythonhosted.org',
  'crates.io',
  'static.crates.io',
  'index.crates.io',
  'proxy.golang.org',
  'sum.golang.org',
  'rubygems.org',
  'repo.maven.apache.org',
  'deb.debian.org',
  'security.debian.org',
  'archive.ubuntu.com',
];

export const DEFAULT_ESCALATION_THRESHOLD = 0.7;
