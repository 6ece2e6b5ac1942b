// The wizard's steps over the saved state: opens at the first step not yet done, moves on after
// each save, and lets the admin go back to any step reached (its form prefilled from what was saved).
import { useState } from 'react'
import type { SetupState, SetupStep } from '../../api/types'
import { useAuth } from '../../auth/AuthProvider'
import { AccessStep } from './AccessStep'
import { AdminStep } from './AdminStep'
import { NetworkStep } from './NetworkStep'
import { ProxmoxStep } from './ProxmoxStep'
import { stepIndex, Stepper } from './Stepper'

const ORDER: SetupStep[] = ['proxmox', 'network', 'access', 'admin']

/** The later of two steps. */
function later(a: SetupStep, b: SetupStep): SetupStep {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b
}

interface WizardProps {
  initial: SetupState
  /** The admin exists, is signed in, and setup mode is over. */
  onFinished: () => void
}

export function Wizard({ initial, onFinished }: WizardProps) {
  const auth = useAuth()
  const [saved, setSaved] = useState(initial)
  const [step, setStep] = useState<SetupStep>(initial.step)

  /** A step was saved: note it and open the next one. */
  function advance(done: SetupStep, change: (state: SetupState) => SetupState) {
    const next = ORDER[ORDER.indexOf(done) + 1] ?? 'admin'
    setSaved((current) => {
      const changed = change(current)
      return { ...changed, step: later(changed.step, next) }
    })
    setStep(next)
  }

  return (
    <div className="space-y-6">
      <Stepper
        current={step}
        reachable={saved.step}
        onOpen={(key) => {
          if (key !== 'templates' && stepIndex(key) <= stepIndex(saved.step)) setStep(key)
        }}
      />
      {step === 'proxmox' && (
        <ProxmoxStep
          saved={saved}
          onDone={(proxmox) => {
            advance('proxmox', (state) => ({ ...state, proxmox }))
          }}
        />
      )}
      {step === 'network' && (
        <NetworkStep
          saved={saved}
          onDone={(network, warnings) => {
            advance('network', (state) => ({ ...state, network, network_warnings: warnings }))
          }}
        />
      )}
      {step === 'access' && (
        <AccessStep
          saved={saved}
          onDone={(access) => {
            advance('access', (state) => ({ ...state, access }))
          }}
        />
      )}
      {step === 'admin' && (
        <AdminStep
          onIncomplete={(missing) => {
            setStep(missing)
          }}
          onDone={() => {
            onFinished()
            // The answer set the session cookie: learn who is signed in (and that setup is over).
            void auth.refresh()
          }}
        />
      )}
    </div>
  )
}
