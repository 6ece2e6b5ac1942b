// GitHub and Google sign-in, as the pages that offer it need it: names, marks, which ones
// an admin has set up, and where the browser goes to start. Starting is a full navigation
// to the API (never a fetch): it answers with a redirect to the provider.
import type { Provider } from '../api/types'

export const PROVIDERS: readonly Provider[] = ['github', 'google']

export function providerName(provider: string | null): string {
  if (provider === 'github') return 'GitHub'
  if (provider === 'google') return 'Google'
  return 'the provider'
}

/** Narrows a query-string value to a provider. */
export function asProvider(value: string | null): Provider | null {
  return value === 'github' || value === 'google' ? value : null
}

/** `/api/auth/github?next=/account`: sign in and come back to `next`. */
export function signInWithUrl(provider: Provider, next: string): string {
  return next === '/' ? `/api/auth/${provider}` : `/api/auth/${provider}?next=${encodeURIComponent(next)}`
}

/** `/api/auth/github?link=true`: link the provider to the signed-in account. */
export function linkUrl(provider: Provider): string {
  return `/api/auth/${provider}?link=true`
}

/** The provider's mark, drawn inline (nothing is fetched from the provider). */
export function ProviderIcon({ provider, className = 'size-[18px]' }: { provider: Provider; className?: string }) {
  if (provider === 'github') {
    return (
      <svg aria-hidden="true" viewBox="0 0 24 24" className={`${className} shrink-0 text-ink`}>
        <path
          fill="currentColor"
          d="M12 .3a12 12 0 0 0-3.8 23.4c.6.1.8-.3.8-.6v-2c-3.3.7-4-1.6-4-1.6-.6-1.4-1.4-1.8-1.4-1.8-1-.7.1-.7.1-.7 1.2.1 1.8 1.2 1.8 1.2 1.1 1.8 2.8 1.3 3.5 1 .1-.8.4-1.3.8-1.6-2.7-.3-5.5-1.3-5.5-5.9 0-1.3.5-2.4 1.2-3.2-.1-.3-.5-1.5.1-3.2 0 0 1-.3 3.3 1.2a11.5 11.5 0 0 1 6 0c2.3-1.5 3.3-1.2 3.3-1.2.6 1.7.2 2.9.1 3.2.8.8 1.2 1.9 1.2 3.2 0 4.6-2.8 5.6-5.5 5.9.4.4.8 1.1.8 2.2v3.3c0 .3.2.7.8.6A12 12 0 0 0 12 .3"
        />
      </svg>
    )
  }
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className={`${className} shrink-0`}>
      <path fill="#4285F4" d="M23.5 12.3c0-.8-.1-1.6-.2-2.4H12v4.5h6.5a5.5 5.5 0 0 1-2.4 3.6v3h3.9c2.3-2.1 3.5-5.2 3.5-8.7z" />
      <path fill="#34A853" d="M12 24c3.2 0 6-1.1 7.9-2.9l-3.9-3c-1.1.7-2.4 1.2-4 1.2-3.1 0-5.8-2.1-6.7-5H1.3v3.1A12 12 0 0 0 12 24z" />
      <path fill="#FBBC05" d="M5.3 14.3a7.2 7.2 0 0 1 0-4.6V6.6h-4a12 12 0 0 0 0 10.8l4-3.1z" />
      <path fill="#EA4335" d="M12 4.8c1.8 0 3.3.6 4.6 1.8l3.4-3.4A12 12 0 0 0 1.3 6.6l4 3.1c.9-2.8 3.6-4.9 6.7-4.9z" />
    </svg>
  )
}
