// /setup: the first-run wizard, while Nimbus is in setup mode (no cluster settings, no admin).
// First the setup token, then the steps from the first one not yet done (the state is the
// server's, so a reload or a restart resumes there); once the admin is made, the last step
// offers to bake the templates. Outside setup mode /setup goes to the portal or to sign-in.
import { useEffect, useState } from 'react'
import { Navigate } from 'react-router'
import type { ApiFailure } from '../../api/failure'
import { loadSetupState, onSetupTokenRejected, setupToken } from '../../api/setup'
import type { SetupState } from '../../api/types'
import { useLoad } from '../../api/useLoad'
import { useAuth } from '../../auth/AuthProvider'
import { AuthPending } from '../../auth/guards'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader } from '../../ui/Panel'
import { Stepper } from './Stepper'
import { TemplatesStep } from './TemplatesStep'
import { TokenStep } from './TokenStep'
import { Wizard } from './Wizard'

export function SetupPage() {
  const auth = useAuth()
  const [hasToken, setHasToken] = useState(() => setupToken() !== null)
  const [accepted, setAccepted] = useState<SetupState | null>(null)
  const [refused, setRefused] = useState<ApiFailure | null>(null)
  const [finished, setFinished] = useState(false)

  useEffect(
    () =>
      onSetupTokenRejected((failure) => {
        setHasToken(false)
        setAccepted(null)
        setRefused(failure)
      }),
    [],
  )

  // Finishing ends setup mode and signs the admin in; the templates step follows on this page.
  if (finished) return <TemplatesStep />
  if (auth.status === 'loading') return <AuthPending />
  if (!auth.setupRequired) return <Navigate to={auth.user ? '/' : '/signin'} replace />

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Setup"
        title={
          <>
            From a Proxmox cluster to <em className="italic">a portal.</em>
          </>
        }
        lead="Connect Nimbus to Proxmox, give it addresses for machines, choose who may sign up and make the first admin. Every step is saved as you go: you can come back later and pick up where you left off."
      />
      {!hasToken ? (
        <>
          <Stepper current="proxmox" />
          <TokenStep
            refused={refused}
            onAccepted={(state) => {
              setRefused(null)
              setAccepted(state)
              setHasToken(true)
            }}
          />
        </>
      ) : accepted ? (
        <Wizard
          initial={accepted}
          onFinished={() => {
            setFinished(true)
          }}
        />
      ) : (
        <ResumeWizard
          onFinished={() => {
            setFinished(true)
          }}
        />
      )}
    </div>
  )
}

/** A reload with the token kept: read where the wizard stands, then carry on from there. */
function ResumeWizard({ onFinished }: { onFinished: () => void }) {
  const { state, reload } = useLoad(loadSetupState)
  if (state.phase !== 'ok') return <LoadStatus state={state} what="the setup" onRetry={reload} card />
  return <Wizard initial={state.data} onFinished={onFinished} />
}
