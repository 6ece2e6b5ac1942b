// The client route table, shared by the browser router (main.tsx) and tests.
import type { RouteObject } from 'react-router'
import { AuthRoot } from './auth/AuthProvider'
import { RequireAdmin, RequireAuth } from './auth/guards'
import { AppShell } from './layout/AppShell'
import { SignedOutLayout } from './layout/SignedOutLayout'
import { AccountPage } from './pages/account/AccountPage'
import { UsersPage } from './pages/admin-users/UsersPage'
import { HomePage } from './pages/home/HomePage'
import { NotFoundPage } from './pages/not-found/NotFoundPage'
import { SignInPage } from './pages/signin/SignInPage'
import { SignUpPage } from './pages/signup/SignUpPage'

export const routes: RouteObject[] = [
  {
    element: <AuthRoot />,
    children: [
      {
        element: <SignedOutLayout />,
        children: [
          { path: 'signin', element: <SignInPage /> },
          { path: 'signup', element: <SignUpPage /> },
        ],
      },
      {
        element: <AppShell />,
        children: [
          {
            element: <RequireAuth />,
            children: [
              { index: true, element: <HomePage /> },
              { path: 'account', element: <AccountPage /> },
              {
                element: <RequireAdmin />,
                children: [{ path: 'admin/users', element: <UsersPage /> }],
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
