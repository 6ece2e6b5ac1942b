// Admin → Settings' own row of tabs (Authentication, Quotas, Cluster, Gopher, GPU) above whichever one is open.
import { NavLink, Outlet } from 'react-router'

const settingsItems: { to: string; label: string }[] = [
  { to: '/admin/settings/auth', label: 'Authentication' },
  { to: '/admin/settings/quotas', label: 'Quotas' },
  { to: '/admin/settings/cluster', label: 'Cluster' },
  { to: '/admin/settings/gopher', label: 'Gopher' },
  { to: '/admin/settings/gpu', label: 'GPU' },
]

export function SettingsLayout() {
  return (
    <div className="space-y-8">
      <nav aria-label="Settings">
        <ul className="flex flex-wrap items-center gap-4 border-b border-line">
          {settingsItems.map((item) => (
            <li key={item.to}>
              <NavLink
                to={item.to}
                className={({ isActive }) =>
                  `-mb-px block border-b-2 px-1 pb-2 font-mono text-[11px] font-medium tracking-[0.14em] uppercase transition-colors ${
                    isActive ? 'border-ink text-ink' : 'border-transparent text-ink-3 hover:text-ink'
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
