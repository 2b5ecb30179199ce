import { z } from 'zod';

/** API roles. admin can do everything; the others as their names say. */
export const ROLES = ['admin', 'analyst', 'compliance', 'runner'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** What a role may do. */
export const PERMISSIONS = {
  ingest: ['admin', 'runner'],
  readEvents: ['admin', 'analyst', 'compliance'],
  requestApproval: ['admin', 'runner'],
  readApproval: ['admin', 'analyst', 'runner'],
  decideApproval: ['admin', 'analyst'],
  readGrants: ['admin', 'analyst', 'runner'],
  manageTokens: ['admin'],
  readAlerts: ['admin', 'analyst', 'compliance'],
  triageAlerts: ['admin', 'analyst'],
  readRisk: ['admin', 'analyst', 'runner'],
  exportReports: ['admin', 'compliance'],
  readAudit: ['admin', 'compliance'],
  readPolicy: ['admin', 'analyst'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Permissions that read per-requester rows (approvals, grants, a session's risk): some roles see only their own
 * rows.
 */
export const ROW_SCOPED_PERMISSIONS: readonly Permission[] = ['readApproval', 'readGrants', 'readRisk'];

/** Roles that see only the rows their own token requested (or the sessions it started), where row-scoped. */
export const OWN_ROWS_ONLY: readonly Role[] = ['runner'];
