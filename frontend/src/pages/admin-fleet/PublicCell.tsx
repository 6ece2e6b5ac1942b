// The Fleet table's "Public" cell: a machine's public SSH (the gateway's host:port, or a word while
// it is not connected) and its public URLs as links, or a dash when it has none. The cluster's
// list of guests says both; a machine missing from it (the list could not be read) shows what
// the machine itself says of its public SSH.
import type { ClusterVm, Vm } from '../../api/types'
import { StatusBadge } from '../../vm/StatusBadge'

const WORDS = new Set(['waiting', 'exposing', 'connected', 'failed'])

/** `host:port` when known, else the state word; null for a machine without public SSH. */
export function publicSshOf(vm: Vm, guest: ClusterVm | undefined): string | null {
  if (guest) return guest.public_ssh ?? null
  const publicSsh = vm.public_ssh
  if (!publicSsh) return null
  return publicSsh.host && publicSsh.port !== undefined ? `${publicSsh.host}:${publicSsh.port}` : publicSsh.state
}

export function PublicCell({ vm, guest }: { vm: Vm; guest: ClusterVm | undefined }) {
  const ssh = publicSshOf(vm, guest)
  const urls = guest?.public_urls ?? []
  return (
    <td data-field="public" className="py-3 pr-4 text-[12px] text-ink-2">
      {ssh === null && urls.length === 0 ? (
        '—'
      ) : (
        <span className="flex flex-col items-start gap-1">
          {ssh !== null && (WORDS.has(ssh) ? <StatusBadge status={ssh} /> : <span className="font-mono">{ssh}</span>)}
          {urls.map((url) => (
            <a
              key={url}
              href={url}
              target="_blank"
              rel="noreferrer"
              className="font-mono break-all text-ink underline decoration-line-strong underline-offset-2"
            >
              {url}
            </a>
          ))}
        </span>
      )}
    </td>
  )
}
