// Admin → Settings → Authentication: how people get in. The access code members share, and
// (separately) the GitHub and Google sign-in providers.
import { PageHeader } from '../../ui/Panel'
import { AccessCodePanel } from './AccessCodePanel'
import { ProvidersPanel } from './ProvidersPanel'
import { SignupsPanel } from './SignupsPanel'

export function AuthSettingsPage() {
  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Settings · Authentication"
        title={
          <>
            Who gets <em className="italic">in.</em>
          </>
        }
        lead="Whether people can sign up, an optional access code members enter before using Nimbus, and the sign-in providers besides email and password."
      />
      <SignupsPanel />
      <AccessCodePanel />
      <ProvidersPanel />
    </div>
  )
}
