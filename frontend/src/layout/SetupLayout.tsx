// Chrome for the first-run setup wizard: the backdrop, the brand, and one column wide enough for
// the wizard's forms; no navigation (nothing else works until Nimbus is set up).
import { Outlet } from 'react-router'
import { Backdrop } from './Backdrop'
import { BrandMark } from './BrandMark'

export function SetupLayout() {
  return (
    <div className="relative isolate min-h-dvh">
      <Backdrop />
      <main id="main" tabIndex={-1} className="mx-auto max-w-[820px] px-5 pt-12 pb-24 outline-none">
        <div className="flex items-center gap-2.5">
          <BrandMark />
          <span className="font-serif text-[21px] font-medium tracking-[-0.02em] text-ink">Nimbus</span>
        </div>
        <div className="mt-10 motion-safe:animate-rise">
          <Outlet />
        </div>
      </main>
    </div>
  )
}
