// The `next` query parameter that brings a user back where they were after signing in.

/**
 * A same-origin path to go to after sign-in. Anything else (`//evil.example`,
 * `https://…`, `/\evil`) falls back to home, so the parameter cannot be used
 * to bounce people off-site.
 */
export function safeNext(raw: string | null): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/'
  if (raw === '/signin' || raw.startsWith('/signin?') || raw.startsWith('/signup')) return '/'
  if (raw === '/verify' || raw.startsWith('/verify?')) return '/'
  return raw
}

/** `/signin`, remembering `path` unless it is home. */
export function signInPath(path: string | null): string {
  return path && path !== '/' ? `/signin?next=${encodeURIComponent(path)}` : '/signin'
}

/** `/verify` (enter the access code), remembering `path` unless it is home. */
export function verifyPath(path: string | null): string {
  return path && path !== '/' ? `/verify?next=${encodeURIComponent(path)}` : '/verify'
}
