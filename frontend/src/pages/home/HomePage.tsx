// Landing screen: what Nimbus is, a way to ask for a machine, the person's machines, and whether
// the portal itself is healthy.
import { Link } from 'react-router'
import { primaryButton } from '../../ui/styles'
import { MachinesCard } from './MachinesCard'
import { PortalStatusCard } from './PortalStatusCard'

export function HomePage() {
  return (
    <div className="space-y-10">
      <div className="grid items-start gap-10 lg:grid-cols-[minmax(0,1fr)_380px] lg:gap-16">
        <div className="max-w-[620px] lg:pt-6">
          <p className="eyebrow">Self-service compute</p>
          <h1 className="mt-4 text-[44px] leading-[1.04] sm:text-[56px]">
            Spin up a <em className="italic">machine.</em>
          </h1>
          <p className="mt-5 text-base leading-[1.55] text-ink-2">
            Nimbus hands you a Linux VM with a static IP and SSH credentials in about a&nbsp;minute&nbsp;— on
            your own Proxmox cluster, without a ticket to the infra team.
          </p>
          <Link to="/provision" className={`${primaryButton} mt-7`}>
            <span aria-hidden="true">+</span> New machine
          </Link>
        </div>
        <PortalStatusCard />
      </div>
      <MachinesCard />
    </div>
  )
}
