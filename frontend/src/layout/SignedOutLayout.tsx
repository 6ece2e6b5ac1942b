// Minimal chrome for the sign-in and sign-up screens: the blob backdrop and one
// centred column, no navigation (there is nowhere to go before signing in).
import { Outlet } from 'react-router'
import { Backdrop } from './Backdrop'

export function SignedOutLayout() {
  return (
    <div className="relative isolate min-h-dvh">
      <Backdrop />
      <main
        id="main"
        tabIndex={-1}
        className="mx-auto flex min-h-dvh max-w-[1200px] flex-col items-center justify-center px-5 py-16 outline-none"
      >
        <div className="w-full max-w-[440px] motion-safe:animate-rise">
          <Outlet />
        </div>
      </main>
    </div>
  )
}
