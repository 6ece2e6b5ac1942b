// The signed-in user's name in the top bar, opening a small panel with their
// account and "Sign out". A disclosure (button + panel), not an ARIA menu: it holds
// only two ordinary controls, so Tab order is the whole keyboard story; Escape and a
// click elsewhere close it.
import { useEffect, useId, useRef, useState } from 'react'
import { Link, useNavigate } from 'react-router'
import type { ApiFailure } from '../api/failure'
import type { Me } from '../api/types'
import { useAuth } from '../auth/AuthProvider'
import { FailureAlert } from '../ui/FailureAlert'
import { badge } from '../ui/styles'

function initials(name: string, email: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const first = words[0] ?? email
  const last = words.length > 1 ? (words.at(-1) ?? '') : ''
  return `${first.slice(0, 1)}${last.slice(0, 1)}`.toUpperCase()
}

const itemClass =
  'flex w-full items-center rounded-lg px-3 py-2 text-left text-[13px] text-ink-2 transition-colors hover:bg-ink/[0.04] hover:text-ink disabled:cursor-progress disabled:opacity-60'

export function UserMenu({ user }: { user: Me }) {
  const { signOut } = useAuth()
  const navigate = useNavigate()
  const panelId = useId()
  const rootRef = useRef<HTMLDivElement>(null)
  const buttonRef = useRef<HTMLButtonElement>(null)
  const [open, setOpen] = useState(false)
  const [signingOut, setSigningOut] = useState(false)
  const [failure, setFailure] = useState<ApiFailure | null>(null)

  useEffect(() => {
    if (!open) return
    const closeOnOutsidePress = (event: PointerEvent) => {
      if (event.target instanceof Node && !rootRef.current?.contains(event.target)) setOpen(false)
    }
    document.addEventListener('pointerdown', closeOnOutsidePress)
    return () => {
      document.removeEventListener('pointerdown', closeOnOutsidePress)
    }
  }, [open])

  async function handleSignOut() {
    setSigningOut(true)
    setFailure(null)
    const problem = await signOut()
    setSigningOut(false)
    if (problem) {
      setFailure(problem)
      return
    }
    setOpen(false)
    await navigate('/signin', { replace: true })
  }

  return (
    <div
      ref={rootRef}
      className="relative"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && open) {
          setOpen(false)
          buttonRef.current?.focus()
        }
      }}
      onBlur={(event) => {
        // Tabbing past the panel closes it; focus lost to nowhere (a button disabling
        // itself while signing out) does not, or its error would vanish with it.
        const next = event.relatedTarget
        if (open && next instanceof Node && !rootRef.current?.contains(next)) setOpen(false)
      }}
    >
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => {
          setOpen((value) => !value)
        }}
        className="flex items-center gap-2.5 rounded-full border border-transparent py-1 pr-3 pl-1 text-[13px] font-medium text-ink transition-colors hover:border-line-2 hover:bg-white/70 aria-expanded:border-line-2 aria-expanded:bg-white/80"
      >
        <span
          aria-hidden="true"
          className="brand-mark grid size-7 place-items-center rounded-full font-mono text-[11px] font-semibold text-ink"
        >
          {initials(user.name, user.email)}
        </span>
        <span className="max-w-[180px] truncate">{user.name}</span>
        <svg aria-hidden="true" viewBox="0 0 12 12" className={`size-3 text-ink-3 transition-transform ${open ? 'rotate-180' : ''}`}>
          <path d="M3 4.5 6 7.5 9 4.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
      </button>

      <div
        id={panelId}
        hidden={!open}
        className="glass absolute top-full right-0 z-30 mt-2 w-72 p-2 motion-safe:animate-rise"
      >
        <div className="border-b border-line px-3 pt-2 pb-3">
          <p className="truncate text-[13px] font-medium text-ink">{user.name}</p>
          <p className="truncate font-mono text-[11.5px] text-ink-3">{user.email}</p>
          <p className="mt-2">
            <span className={badge(user.role === 'admin' ? 'ink' : 'neutral')}>{user.role}</span>
          </p>
        </div>
        <ul className="pt-1.5">
          <li>
            <Link
              to="/account"
              className={itemClass}
              onClick={() => {
                setOpen(false)
              }}
            >
              Account
            </Link>
          </li>
          <li>
            <button type="button" className={itemClass} disabled={signingOut} onClick={() => void handleSignOut()}>
              {signingOut ? 'Signing out…' : 'Sign out'}
            </button>
          </li>
        </ul>
        {failure && (
          <div className="px-1 pt-2 pb-1">
            <FailureAlert failure={failure} lead="Could not sign out" />
          </div>
        )}
      </div>
    </div>
  )
}
