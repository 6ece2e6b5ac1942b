// The signed-in user's own account: profile, password, linked GitHub/Google sign-ins, where
// they are signed in, and the personal API tokens scripts use instead of a cookie.
import { useState } from 'react'
import { useAuth } from '../../auth/AuthProvider'
import { PageHeader } from '../../ui/Panel'
import { LinkedSignInsSection } from './LinkedSignInsSection'
import { PasswordSection } from './PasswordSection'
import { ProfileSection } from './ProfileSection'
import { SessionsSection } from './SessionsSection'
import { TokensSection } from './TokensSection'

export function AccountPage() {
  const { user, refresh } = useAuth()
  // Bumped when a password change ends the other sessions, so the list re-reads them.
  const [sessionsVersion, setSessionsVersion] = useState(0)
  if (!user) return null // RequireAuth renders this page only for a signed-in user.
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Your account"
        title={
          <>
            Hello, <em className="italic">{user.name}.</em>
          </>
        }
        lead="Your profile, how you sign in, where you are signed in, and tokens for scripts."
      />
      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ProfileSection user={user} />
        <PasswordSection
          email={user.email}
          hasPassword={user.has_password}
          onChanged={() => {
            setSessionsVersion((n) => n + 1)
            // A first password changes what the page offers (and what unlinking allows).
            if (!user.has_password) void refresh()
          }}
        />
      </div>
      <LinkedSignInsSection />
      <SessionsSection version={sessionsVersion} />
      <TokensSection />
    </div>
  )
}
