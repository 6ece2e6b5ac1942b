// The client route table, shared by the browser router (main.tsx) and tests.
import type { RouteObject } from 'react-router'
import { AppShell } from './layout/AppShell'
import { HomePage } from './pages/home/HomePage'
import { NotFoundPage } from './pages/not-found/NotFoundPage'

export const routes: RouteObject[] = [
  {
    element: <AppShell />,
    children: [
      { index: true, element: <HomePage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]
