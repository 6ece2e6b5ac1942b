// The client route table, shared by the browser router (main.tsx) and tests. The admin pages and
// the setup wizard are loaded on first use, so members never download them.
import { type ComponentType, lazy, Suspense } from 'react'
import { Navigate, type RouteObject } from 'react-router'
import { AuthRoot } from './auth/AuthProvider'
import { RequireAdmin, RequireAuth } from './auth/guards'
import { AdminLayout } from './layout/AdminLayout'
import { AppShell } from './layout/AppShell'
import { SettingsLayout } from './layout/SettingsLayout'
import { SetupLayout } from './layout/SetupLayout'
import { SignedOutLayout } from './layout/SignedOutLayout'
import { AccountPage } from './pages/account/AccountPage'
import { AuthCallbackPage } from './pages/auth-callback/AuthCallbackPage'
import { GpuPage } from './pages/gpu/GpuPage'
import { GpuJobPage } from './pages/gpu-job/GpuJobPage'
import { HomePage } from './pages/home/HomePage'
import { KeysPage } from './pages/keys/KeysPage'
import { MachinePage } from './pages/machine/MachinePage'
import { ProgressPage } from './pages/machine/ProgressPage'
import { MachinesPage } from './pages/machines/MachinesPage'
import { NotFoundPage } from './pages/not-found/NotFoundPage'
import { ProvisionPage } from './pages/provision/ProvisionPage'
import { SignInPage } from './pages/signin/SignInPage'
import { SignUpPage } from './pages/signup/SignUpPage'
import { VerifyPage } from './pages/verify/VerifyPage'
import { Loading } from './ui/Panel'

/** An admin page (or the setup wizard), fetched the first time it is opened. */
function adminPage(load: () => Promise<ComponentType>) {
  const Page = lazy(async () => ({ default: await load() }))
  return (
    <Suspense fallback={<Loading what="the page" />}>
      <Page />
    </Suspense>
  )
}

export const routes: RouteObject[] = [
  {
    element: <AuthRoot />,
    children: [
      {
        // The first-run wizard: only in setup mode (elsewhere it sends people on).
        path: 'setup',
        element: <SetupLayout />,
        children: [{ index: true, element: adminPage(() => import('./pages/setup/SetupPage').then((m) => m.SetupPage)) }],
      },
      {
        element: <SignedOutLayout />,
        children: [
          { path: 'signin', element: <SignInPage /> },
          { path: 'signup', element: <SignUpPage /> },
          { path: 'verify', element: <VerifyPage /> },
          { path: 'auth/callback', element: <AuthCallbackPage /> },
        ],
      },
      {
        element: <AppShell />,
        children: [
          {
            element: <RequireAuth />,
            children: [
              { index: true, element: <HomePage /> },
              { path: 'provision', element: <ProvisionPage /> },
              { path: 'machines', element: <MachinesPage /> },
              { path: 'machines/:id', element: <MachinePage /> },
              { path: 'machines/:id/progress', element: <ProgressPage /> },
              { path: 'keys', element: <KeysPage /> },
              { path: 'gpu', element: <GpuPage /> },
              { path: 'gpu/jobs/:id', element: <GpuJobPage /> },
              { path: 'account', element: <AccountPage /> },
              {
                element: <RequireAdmin />,
                children: [
                  {
                    path: 'admin',
                    element: <AdminLayout />,
                    children: [
                      { index: true, element: <Navigate to="/admin/fleet" replace /> },
                      { path: 'fleet', element: adminPage(() => import('./pages/admin-fleet/FleetPage').then((m) => m.FleetPage)) },
                      { path: 'nodes', element: adminPage(() => import('./pages/admin-nodes/NodesPage').then((m) => m.NodesPage)) },
                      { path: 'ips', element: adminPage(() => import('./pages/admin-ips/IpPoolPage').then((m) => m.IpPoolPage)) },
                      { path: 'tunnels', element: adminPage(() => import('./pages/admin-tunnels/TunnelsPage').then((m) => m.TunnelsPage)) },
                      { path: 'templates', element: adminPage(() => import('./pages/admin-templates/TemplatesPage').then((m) => m.TemplatesPage)) },
                      { path: 'users', element: adminPage(() => import('./pages/admin-users/UsersPage').then((m) => m.UsersPage)) },
                      { path: 'audit', element: adminPage(() => import('./pages/admin-audit/AuditPage').then((m) => m.AuditPage)) },
                      { path: 'system', element: adminPage(() => import('./pages/admin-system/SystemPage').then((m) => m.SystemPage)) },
                      {
                        path: 'settings',
                        element: <SettingsLayout />,
                        children: [
                          { index: true, element: <Navigate to="/admin/settings/auth" replace /> },
                          { path: 'auth', element: adminPage(() => import('./pages/admin-settings/AuthSettingsPage').then((m) => m.AuthSettingsPage)) },
                          { path: 'quotas', element: adminPage(() => import('./pages/admin-settings/QuotasPage').then((m) => m.QuotasPage)) },
                          { path: 'cluster', element: adminPage(() => import('./pages/admin-settings/ClusterSettingsPage').then((m) => m.ClusterSettingsPage)) },
                          { path: 'gopher', element: adminPage(() => import('./pages/admin-settings/GopherSettingsPage').then((m) => m.GopherSettingsPage)) },
                          { path: 'gpu', element: adminPage(() => import('./pages/admin-settings/GpuSettingsPage').then((m) => m.GpuSettingsPage)) },
                        ],
                      },
                    ],
                  },
                ],
              },
            ],
          },
          // Outside RequireAuth: a mistyped link says so whether or not you are signed in.
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]
