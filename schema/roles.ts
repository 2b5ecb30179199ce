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
  readReports: ['admin', 'compliance', 'analyst'],
  manageTokens: ['admin'],
  readPolicy: ['admin', 'analyst'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function roleAllows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
