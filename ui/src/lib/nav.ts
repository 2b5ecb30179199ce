import type { Role } from './types.js';

/** One entry of the navigation: where it goes, who sees it, and its `g <key>` shortcut. */
export interface NavItem {
  path: string;
  label: string;
  key: string;
  roles: readonly Role[];
}

// Mirrors the server's permissions (schema/roles.ts): a view whose API a role may not call is not offered.
export const NAV: readonly NavItem[] = [
  { path: '/overview', label: 'Overview', key: 'o', roles: ['admin', 'analyst', 'compliance'] },
  { path: '/alerts', label: 'Alerts', key: 'a', roles: ['admin', 'analyst', 'compliance'] },
  { path: '/approvals', label: 'Approvals', key: 'p', roles: ['admin', 'analyst'] },
  { path: '/sessions', label: 'Sessions', key: 's', roles: ['admin', 'analyst', 'compliance'] },
  { path: '/compliance', label: 'Compliance', key: 'c', roles: ['admin', 'analyst', 'compliance'] },
  { path: '/policies', label: 'Policies', key: 'y', roles: ['admin', 'analyst'] },
];

/** The views a role may open. */
export function navFor(role: Role | undefined): NavItem[] {
  return role ? NAV.filter((n) => n.roles.includes(role)) : [];
}

/** Where `/` takes a role: compliance officers start on their reports, everyone else on the overview. */
export function homeFor(role: Role | undefined): string {
  return role === 'compliance' ? '/compliance' : '/overview';
}

/** The nav entry a path belongs to (`/sessions/abc` → Sessions). */
export function activeNav(path: string): NavItem | undefined {
  return NAV.find((n) => path === n.path || path.startsWith(`${n.path}/`));
}
