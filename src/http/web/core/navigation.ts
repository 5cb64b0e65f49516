import { hasRole, type Role } from '../../../domain/actor.js';
import type { WebUser } from '../page.js';

/** One entry of the main menu. */
export interface NavItem {
  /** Matched against `PageChrome.nav` (either the key or the area marks it active). */
  readonly key: string;
  readonly area: string;
  readonly href: string;
  /** i18n key of the label. */
  readonly label: string;
  readonly role: Role;
}

const ITEMS: readonly NavItem[] = [
  { key: 'inbox', area: 'agent', href: '/inbox', label: 'common.nav.inbox', role: 'agent' },
  { key: 'start', area: 'agent', href: '/start', label: 'common.nav.start', role: 'agent' },
  {
    key: 'instances',
    area: 'supervisor',
    href: '/supervisor/instances',
    label: 'common.nav.instances',
    role: 'supervisor',
  },
  {
    key: 'dashboard',
    area: 'supervisor',
    href: '/supervisor/dashboard',
    label: 'common.nav.dashboard',
    role: 'supervisor',
  },
  {
    key: 'procedures',
    area: 'analyst',
    href: '/analyst/procedures',
    label: 'common.nav.procedures',
    role: 'analyst',
  },
  {
    key: 'reports',
    area: 'supervisor',
    href: '/supervisor/reports',
    label: 'reports.nav',
    role: 'supervisor',
  },
  // Instance migration (docs/adr/0031): supervisors and analysts.
  ...(['supervisor', 'analyst'] as const).map((role) => ({
    key: 'migration',
    area: 'migration',
    href: '/migration',
    label: 'migration.nav',
    role,
  })),
  { key: 'users', area: 'admin', href: '/admin/users', label: 'common.nav.users', role: 'admin' },
  { key: 'directory', area: 'admin', href: '/admin/directory', label: 'common.nav.directory', role: 'admin' },
  { key: 'requesters', area: 'requesters', href: '/requesters', label: 'requesters.nav', role: 'supervisor' },
  // The knowledge base (docs/adr/0023): one entry, shown to any of these roles.
  ...(['agent', 'supervisor', 'analyst'] as const).map((role) => ({
    key: 'kb',
    area: 'kb',
    href: '/kb',
    label: 'common.nav.kb',
    role,
  })),
];

const HOMES: readonly [Role, string][] = [
  ['agent', '/inbox'],
  ['supervisor', '/supervisor/instances'],
  ['analyst', '/analyst/procedures'],
  ['admin', '/admin/users'],
];

/** The menu of a user: the entries of their roles, with the active one marked. */
export function navFor(user: WebUser, active?: string): (NavItem & { active: boolean })[] {
  const shown = ITEMS.filter((item) => hasRole(user, item.role));
  return shown
    .filter((item, index) => shown.findIndex((other) => other.key === item.key) === index)
    .map((item) => ({
      ...item,
      active: active !== undefined && (active === item.key || active === item.area),
    }));
}

/** Where a user lands after login: the home of their first role (agent, supervisor, analyst, admin). */
export function homeOf(user: { roles: readonly Role[] }): string {
  for (const [role, home] of HOMES) if (user.roles.includes(role)) return home;
  return '/account';
}
