// Admin → Settings → Authentication: how people get in. The access code members share, and
// (separately) the GitHub and Google sign-in providers.
import { useState } from 'react'
import { PageHeader } from '../../ui/Panel'
import { AccessCodePanel } from './AccessCodePanel'
import { ProvidersPanel } from './ProvidersPanel'
import { SignupsPanel } from './SignupsPanel'

export function AuthSettingsPage() {
  // The access-code gate is on exactly when sign-ups need the code: a change in either panel
  // re-reads the other.
  const [signupsRead, setSignupsRead] = useState(0)
  const [gateRead, setGateRead] = useState(0)
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · Authentication"
        title={
          <>
            Who gets <em className="italic">in.</em>
          </>
        }
        lead="Who may sign up, the access code members enter before using Nimbus when sign-ups need it, members enter before using Nimbus, and the sign-in providers besides email and password."
      />
      <SignupsPanel
        key={`signups-${signupsRead}`}
        onChanged={() => {
          setGateRead((n) => n + 1)
        }}
      />
      <AccessCodePanel
        key={`gate-${gateRead}`}
        onChanged={() => {
          setSignupsRead((n) => n + 1)
        }}
      />
      <ProvidersPanel />
    </div>
  )
}
