// The admin pages' own row of tabs (Fleet, Nodes, IP pool, Tunnels, Templates, Users, Audit log, System,
// Settings) above whichever one is open.
// The top bar keeps a single "Admin" entry; this is where an admin moves between its pages.
import { NavLink, Outlet } from 'react-router'

const adminItems: { to: string; label: string }[] = [
  { to: '/admin/fleet', label: 'Fleet' },
  { to: '/admin/nodes', label: 'Nodes' },
  { to: '/admin/ips', label: 'IP pool' },
  { to: '/admin/tunnels', label: 'Tunnels' },
  { to: '/admin/templates', label: 'Templates' },
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/audit', label: 'Audit log' },
  { to: '/admin/system', label: 'System' },
  { to: '/admin/settings', label: 'Settings' },
]

export function AdminLayout() {
  return (
    <div className="space-y-8">
      <nav aria-label="Admin">
        <ul className="inline-flex flex-wrap items-center gap-1 rounded-xl border border-line bg-white/50 p-1">
          {adminItems.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                className={({ isActive }) =>
                  `block rounded-lg px-3 py-1.5 text-[13px] font-medium transition-colors ${
                    isActive
                      ? 'bg-white text-ink shadow-[0_0_0_1px_var(--color-line-2)]'
                      : 'text-ink-3 hover:bg-white/70 hover:text-ink'
                  }`
                }
              >
                {item.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}
