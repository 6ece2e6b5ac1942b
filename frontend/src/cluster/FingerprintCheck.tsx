// The certificate fingerprint Proxmox presented, for the admin to compare with what Proxmox's own
// UI shows before Nimbus pins it (trust on first use): a "matches" box to tick before going on.
import type { Ref } from 'react'
import { CheckboxField } from '../ui/CheckboxField'

interface FingerprintCheckProps {
  fingerprint: string
  matches: boolean
  onMatches: (matches: boolean) => void
  error?: string | undefined
  ref?: Ref<HTMLInputElement>
}

export function FingerprintCheck({ fingerprint, matches, onMatches, error, ref }: FingerprintCheckProps) {
  return (
    <div className="space-y-3">
      <div>
        <p className="text-[13px] font-medium text-ink">Certificate fingerprint (SHA-256)</p>
        <p data-field="fingerprint" className="mt-1.5 rounded-xl border border-line bg-white/70 px-3.5 py-2.5 font-mono text-[12.5px] break-all text-ink">
          {fingerprint}
        </p>
        <p className="mt-1.5 text-[12.5px] text-ink-3">
          Compare it with Proxmox’s web UI: select the node, then <span className="text-ink-2">System → Certificates</span>{' '}
          (the certificate in use, usually <span className="font-mono">pveproxy-ssl.pem</span> or{' '}
          <span className="font-mono">pve-ssl.pem</span>). Nimbus will only talk to a server showing this certificate.
        </p>
      </div>
      <CheckboxField
        ref={ref}
        label="It matches what Proxmox shows"
        description="If it differs, someone may be between Nimbus and Proxmox: stop and find out why."
        checked={matches}
        onChange={onMatches}
        error={error}
      />
    </div>
  )
}
