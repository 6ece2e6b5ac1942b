// One machine Gopher holds, in Admin → Tunnels: its id and status, whether it carries public SSH,
// the Nimbus machine it belongs to (linked) and its owner, or "Not a Nimbus machine", and its
// tunnels with their addresses.
import { Link } from 'react-router'
import type { GatewayMachine } from '../../api/types'
import { badge } from '../../ui/styles'
import { StatusBadge } from '../../vm/StatusBadge'

export const GATEWAY_COLUMNS = ['Machine', 'Status', 'Public SSH', 'Nimbus machine', 'Owner', 'Tunnels'] as const

function Tunnels({ machine }: { machine: GatewayMachine }) {
  if (machine.tunnels.length === 0) return <span className="text-ink-3">—</span>
  return (
    <ul className="space-y-1">
      {machine.tunnels.map((tunnel) => (
        <li key={tunnel.id} className="flex flex-wrap items-center gap-1.5">
          {tunnel.url ? (
            <a
              href={tunnel.url}
              target="_blank"
              rel="noreferrer"
              className="font-mono text-[12px] break-all text-ink underline decoration-line-strong underline-offset-2"
            >
              {tunnel.url}
            </a>
          ) : (
            <span className="font-mono text-[12px]">{tunnel.subdomain}</span>
          )}
          <span className="font-mono text-[11px] text-ink-3">→ {tunnel.target_port}</span>
          {tunnel.status !== 'active' && <StatusBadge status={tunnel.status} />}
        </li>
      ))}
    </ul>
  )
}

export function GatewayRow({ machine }: { machine: GatewayMachine }) {
  const vm = machine.vm
  return (
    <tr data-machine={machine.id} className="border-b border-line align-top">
      <th scope="row" className="py-3 pr-4 text-left font-mono text-[12px] font-medium text-ink">
        {machine.id}
      </th>
      <td className="py-3 pr-4">
        <StatusBadge status={machine.status} />
      </td>
      <td className="py-3 pr-4 text-ink-2">{machine.public_ssh ? 'yes' : 'no'}</td>
      <td className="py-3 pr-4">
        {vm ? (
          <Link to={`/machines/${encodeURIComponent(vm.id)}`} className="font-semibold text-ink underline-offset-2 hover:underline">
            {vm.hostname}
          </Link>
        ) : machine.foreign ? (
          <span className={badge('warn')}>Not a Nimbus machine</span>
        ) : (
          <span className="text-ink-3">—</span>
        )}
      </td>
      <td className="py-3 pr-4 font-mono text-[12px] text-ink-2" title={vm?.owner_email}>
        {vm?.owner_name ?? vm?.owner_email ?? '—'}
      </td>
      <td className="py-3">
        <Tunnels machine={machine} />
      </td>
    </tr>
  )
}
