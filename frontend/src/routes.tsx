// The client route table, shared by the browser router (main.tsx) and tests.
import { Navigate, type RouteObject } from 'react-router'
import { AuthRoot } from './auth/AuthProvider'
import { RequireAdmin, RequireAuth } from './auth/guards'
import { AdminLayout } from './layout/AdminLayout'
import { AppShell } from './layout/AppShell'
import { SignedOutLayout } from './layout/SignedOutLayout'
import { AccountPage } from './pages/account/AccountPage'
import { AuthCallbackPage } from './pages/auth-callback/AuthCallbackPage'
import { AuditPage } from './pages/admin-audit/AuditPage'
import { AuthSettingsPage } from './pages/admin-settings/AuthSettingsPage'
import { UsersPage } from './pages/admin-users/UsersPage'
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

export const routes: RouteObject[] = [
  {
    element: <AuthRoot />,
    children: [
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
              { path: 'account', element: <AccountPage /> },
              {
                element: <RequireAdmin />,
                children: [
                  {
                    path: 'admin',
                    element: <AdminLayout />,
                    children: [
                      { index: true, element: <Navigate to="/admin/users" replace /> },
                      { path: 'users', element: <UsersPage /> },
                      { path: 'audit', element: <AuditPage /> },
                      { path: 'settings', element: <Navigate to="/admin/settings/auth" replace /> },
                      { path: 'settings/auth', element: <AuthSettingsPage /> },
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
