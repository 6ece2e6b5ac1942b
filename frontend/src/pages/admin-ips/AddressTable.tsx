// Every address of the pool, in a table: its state, who holds it (a Nimbus machine, linked to
// its page; a Proxmox guest Nimbus did not build; or a host on the LAN), since when, when it was
// last seen and how many reconcile passes in a row missed its holder.
import { Link } from 'react-router'
import type { PoolAddress } from '../../api/types'
import { badge } from '../../ui/styles'
import { Time } from '../../ui/Time'

const STATUS_TONE: Record<string, 'neutral' | 'warn' | 'good'> = { free: 'neutral', reserved: 'warn', allocated: 'good' }

const SOURCES: Record<string, string> = { local: 'Nimbus', adopted: 'adopted guest', external: 'LAN host' }

function Holder({ address }: { address: PoolAddress }) {
  if (address.vm_id && address.hostname) {
    return (
      <Link to={`/machines/${encodeURIComponent(address.vm_id)}`} className="font-medium text-ink underline-offset-2 hover:underline">
        {address.hostname}
      </Link>
    )
  }
  return <span className="text-ink-2">{address.hostname ?? '—'}</span>
}

function When({ iso }: { iso: string | null | undefined }) {
  return iso ? <Time iso={iso} /> : <span className="text-ink-3">—</span>
}

export function AddressTable({ addresses }: { addresses: PoolAddress[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[900px] text-[13px]">
        <caption className="sr-only">Addresses</caption>
        <thead>
          <tr className="border-b border-line text-left">
            {['Address', 'Status', 'Source', 'Holder', 'VMID', 'Owner', 'Since', 'Last seen', 'Missed'].map((heading) => (
              <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 text-[10.5px] font-medium">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {addresses.map((address) => (
            <tr key={address.ip} data-ip={address.ip} className="border-b border-line last:border-b-0">
              <th scope="row" className="py-2.5 pr-4 text-left font-mono text-[12.5px] font-medium text-ink">
                {address.ip}
              </th>
              <td className="py-2.5 pr-4">
                <span className={badge(STATUS_TONE[address.status] ?? 'neutral')}>{address.status}</span>
              </td>
              <td className="py-2.5 pr-4 text-ink-2">{address.source ? (SOURCES[address.source] ?? address.source) : '—'}</td>
              <td className="py-2.5 pr-4">
                <Holder address={address} />
              </td>
              <td className="py-2.5 pr-4 font-mono text-[12px] text-ink-2">{address.vmid ?? '—'}</td>
              <td className="py-2.5 pr-4 text-ink-2">{address.owner_name ?? '—'}</td>
              <td className="py-2.5 pr-4 whitespace-nowrap text-ink-2">
                <When iso={address.allocated_at ?? address.reserved_at} />
              </td>
              <td className="py-2.5 pr-4 whitespace-nowrap text-ink-2">
                <When iso={address.last_seen_at} />
              </td>
              <td className={`py-2.5 font-mono text-[12px] ${address.missed_cycles > 0 ? 'text-warn' : 'text-ink-3'}`}>
                {address.missed_cycles}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
