// Each account's quota on the Quotas page: what its machines use against its limits, whether the
// limits are its own ("custom") or the defaults, and Edit (the same fields, in place) and Reset to
// defaults. Admins are not limited: their rows say "Exempt".
import { Fragment, useState } from 'react'
import { resetMemberQuota, saveMemberQuota } from '../../api/admin'
import type { ApiFailure } from '../../api/failure'
import type { MemberQuota, QuotaLimits } from '../../api/types'
import { Confirm } from '../../ui/Confirm'
import { FailureAlert } from '../../ui/FailureAlert'
import { badge, chipButton } from '../../ui/styles'
import { formatMemory } from '../../vm/vmState'
import { QuotaForm } from './QuotaForm'

type Limit = number | null | undefined

/**
 * "2 / 5 machines", "6 GiB / 32 GiB", "2 machines · no limit"; `exempt`: the use alone
 * (an admin's machines count against nothing).
 */
export function usageWords(used: number, limit: Limit, unit: string, { format = String, exempt = false }: { format?: (n: number) => string; exempt?: boolean } = {}): string {
  const tail = unit ? ` ${unit}` : ''
  if (exempt) return `${format(used)}${tail}`
  return typeof limit === 'number' ? `${format(used)} / ${format(limit)}${tail}` : `${format(used)}${tail} · no limit`
}

/** Memory in GiB, the unit the limits are typed in ("0 GiB", not "0 MiB"). */
const memory = (mib: number) => (mib === 0 ? '0 GiB' : formatMemory(mib))

function Usage({ member }: { member: MemberQuota }) {
  const { usage, limits, exempt } = member.quota
  const l = (limits ?? {}) as Record<keyof QuotaLimits, Limit>
  const cells = [
    usageWords(usage.vms, l.max_vms, 'machines', { exempt }),
    usageWords(usage.vcpus, l.max_vcpus, 'vCPU', { exempt }),
    usageWords(usage.memory_mib, l.max_memory_mib, '', { format: memory, exempt }),
    usageWords(usage.disk_gib, l.max_disk_gib, 'GB', { exempt }),
  ]
  return (
    <>
      {cells.map((cell, index) => (
        <td key={index} className="py-3 pr-4 font-mono text-[12px] whitespace-nowrap text-ink-2">
          {cell}
        </td>
      ))}
    </>
  )
}

interface MemberQuotasProps {
  members: MemberQuota[]
  defaults: QuotaLimits
  /** A member's quota as Nimbus now has it. */
  onChanged: (member: MemberQuota) => void
}

export function MemberQuotas({ members, defaults, onChanged }: MemberQuotasProps) {
  const [editing, setEditing] = useState<string | null>(null)
  const [resetting, setResetting] = useState<MemberQuota | null>(null)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<{ lead: string; failure: ApiFailure } | null>(null)
  const [done, setDone] = useState('')

  async function reset(member: MemberQuota) {
    setBusy(true)
    setFailure(null)
    const outcome = await resetMemberQuota(member.user_id)
    setBusy(false)
    setResetting(null)
    if (!outcome.ok) {
      setFailure({ lead: `Could not reset ${member.name}’s quota`, failure: outcome.failure })
      return
    }
    setDone(`${member.name} is back on the defaults.`)
    onChanged(outcome.data)
  }

  return (
    <div className="space-y-4">
      {failure && <FailureAlert failure={failure.failure} lead={failure.lead} />}
      <p role="status" className="text-[13px] text-good empty:hidden">
        {done}
      </p>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[900px] text-[13px]">
          <caption className="sr-only">Members’ quotas</caption>
          <thead>
            <tr className="border-b border-line text-left">
              {['Account', 'Role', 'Machines', 'vCPU', 'Memory', 'Disk', 'Limits'].map((heading) => (
                <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 text-[10.5px] font-medium">
                  {heading}
                </th>
              ))}
              <th scope="col" className="pb-2.5">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => {
              const exempt = member.quota.exempt
              return (
                <Fragment key={member.user_id}>
                  <tr className="border-b border-line align-top last:border-b-0">
                    <th scope="row" className="py-3 pr-4 text-left font-normal">
                      <span className="block font-medium text-ink">{member.name}</span>
                      <span className="block font-mono text-[11.5px] whitespace-nowrap text-ink-3">{member.email}</span>
                    </th>
                    <td className="py-3 pr-4">
                      <span className={badge(member.role === 'admin' ? 'ink' : 'neutral')}>{member.role}</span>
                    </td>
                    <Usage member={member} />
                    <td className="py-3 pr-4">
                      {exempt ? (
                        <span className={badge('good')}>Exempt</span>
                      ) : member.quota.custom ? (
                        <span className={badge('warn')}>custom</span>
                      ) : (
                        <span className="text-ink-3">defaults</span>
                      )}
                    </td>
                    <td className="py-3 text-right whitespace-nowrap">
                      {!exempt && (
                        <span className="inline-flex gap-1.5">
                          <button
                            type="button"
                            aria-label={`Edit: ${member.name}`}
                            aria-expanded={editing === member.user_id}
                            onClick={() => {
                              setDone('')
                              setEditing((current) => (current === member.user_id ? null : member.user_id))
                            }}
                            className={chipButton}
                          >
                            Edit
                          </button>
                          {member.quota.custom && (
                            <button
                              type="button"
                              aria-label={`Reset to defaults: ${member.name}`}
                              onClick={() => {
                                setDone('')
                                setResetting(member)
                              }}
                              className={chipButton}
                            >
                              Reset to defaults
                            </button>
                          )}
                        </span>
                      )}
                    </td>
                  </tr>
                  {resetting?.user_id === member.user_id && (
                    <tr>
                      <td colSpan={8} className="pb-3">
                        <Confirm
                          title={`Put ${member.name} back on the defaults?`}
                          confirmLabel="Reset to defaults"
                          tone="default"
                          busy={busy}
                          onConfirm={() => void reset(member)}
                          onCancel={() => {
                            setResetting(null)
                          }}
                        >
                          Their own limits are dropped; the defaults apply to their next requests.
                        </Confirm>
                      </td>
                    </tr>
                  )}
                  {editing === member.user_id && (
                    <tr className="border-b border-line">
                      <td colSpan={8} className="pb-5">
                        <div className="rounded-xl border border-line-2 bg-white/60 p-4">
                          <QuotaForm
                            name={`Quota for ${member.name}`}
                            initial={member.quota.custom ? member.quota.limits : defaults}
                            submitLabel="Save their quota"
                            save={async (limits) => {
                              const outcome = await saveMemberQuota(member.user_id, limits)
                              if (outcome.ok) onChanged(outcome.data)
                              return outcome
                            }}
                            onSaved={() => {
                              setEditing(null)
                              setDone(`Saved ${member.name}’s quota.`)
                            }}
                            onCancel={() => {
                              setEditing(null)
                            }}
                          />
                        </div>
                      </td>
                    </tr>
                  )}
                </Fragment>
              )
            })}
          </tbody>
        </table>
      </div>
    </div>
  )
}
