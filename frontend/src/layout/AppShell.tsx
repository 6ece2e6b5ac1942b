// Page chrome shared by every signed-in route: skip link, top bar with brand, nav and
// the user's menu, the blob backdrop, and the centred content column the pages render into.
import { Link, NavLink, Outlet, useLocation } from 'react-router'
import { useAuth } from '../auth/AuthProvider'
import { Backdrop } from './Backdrop'
import { BrandMark } from './BrandMark'
import { UserMenu } from './UserMenu'

/**
 * Primary navigation; feature pages add their entry here. `admin`: shown to admins only.
 * `section`: the entry is current anywhere under this path (Admin opens on the Fleet page but
 * covers the other admin pages too).
 */
const navItems: { to: string; label: string; end: boolean; admin?: boolean; section?: string }[] = [
  { to: '/', label: 'Home', end: true },
  { to: '/provision', label: 'Provision', end: false },
  { to: '/machines', label: 'My machines', end: false },
  { to: '/keys', label: 'Keys', end: false },
  { to: '/gpu', label: 'GPU', end: false },
  { to: '/admin/fleet', label: 'Admin', end: false, admin: true, section: '/admin' },
]

function inSection(pathname: string, section: string | undefined): boolean {
  return section !== undefined && (pathname === section || pathname.startsWith(`${section}/`))
}

export function AppShell() {
  const { pathname } = useLocation()
  const { status, user } = useAuth()
  const visibleItems = user ? navItems.filter((item) => !item.admin || user.role === 'admin') : []
  return (
    <div className="relative isolate min-h-dvh">
      <Backdrop />
      <a
        href="#main"
        className="sr-only rounded-control bg-ink px-4 py-2 text-white focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-50"
      >
        Skip to content
      </a>

      <header className="sticky top-0 z-20 border-b border-line bg-canvas/55 backdrop-blur-md backdrop-saturate-150">
        <div className="mx-auto flex h-16 max-w-[1200px] items-center justify-between gap-6 px-8">
          <div className="flex items-center gap-6">
            <Link
              to="/"
              aria-label="Nimbus home"
              className="-mx-1.5 flex items-center gap-2.5 rounded-lg px-1.5 py-1"
            >
              <BrandMark />
              <span className="font-serif text-[21px] font-medium tracking-[-0.02em] text-ink">
                Nimbus
              </span>
            </Link>
            {visibleItems.length > 0 && (
              <nav aria-label="Primary">
                <ul className="flex items-center gap-1">
                  {visibleItems.map((item) => (
                    <li key={item.to}>
                      <NavLink
                        to={item.to}
                        end={item.end}
                        className={({ isActive }) =>
                          `block rounded-lg px-3 py-1.5 font-mono text-[11px] font-medium tracking-[0.14em] uppercase transition-colors ${
                            isActive || inSection(pathname, item.section)
                              ? 'bg-white/80 text-ink shadow-[0_0_0_1px_var(--color-line-2)]'
                              : 'text-ink-3 hover:bg-white/60 hover:text-ink'
                          }`
                        }
                      >
                        {item.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
          </div>
          {user ? (
            <UserMenu user={user} />
          ) : (
            status === 'ready' && (
              <Link
                to="/signin"
                className="rounded-lg px-3 py-1.5 font-mono text-[11px] font-medium tracking-[0.14em] text-ink-2 uppercase transition-colors hover:bg-white/60 hover:text-ink"
              >
                Sign in
              </Link>
            )
          )}
        </div>
      </header>

      <main id="main" tabIndex={-1} className="mx-auto max-w-[1200px] px-8 pt-16 pb-24 outline-none">
        {/* Keyed by path so each screen gets the subtle rise-in. */}
        <div key={pathname} className="motion-safe:animate-rise">
          <Outlet />
        </div>
      </main>
    </div>
  )
}
