// "All machines" on the Fleet page: every owner's machines, filtered by a search (hostname, owner,
// address), a status and an owner. The filters are the page's (they live in its address), so
// Export CSV downloads exactly the rows shown here.
import type { ClusterVm, Vm } from '../../api/types'
import { Field } from '../../ui/Field'
import { SelectField } from '../../ui/SelectField'
import { chipButton } from '../../ui/styles'
import type { ActionFailure } from '../../vm/actions'
import { type MachineFilters, ownersOf, STATUSES } from './filters'
import { FLEET_COLUMNS, FleetRow } from './FleetRow'

interface MachinesTableProps {
  all: Vm[]
  shown: Vm[]
  /** The cluster's guests by Nimbus machine id (public SSH and URLs); null until read, or when it could not be. */
  guests: Map<string, ClusterVm> | null
  filters: MachineFilters
  onFilters: (filters: MachineFilters) => void
  onChanged: (vm: Vm) => void
  onFailure: (failure: ActionFailure | null) => void
}

function Filters({ all, filters, onFilters }: Pick<MachinesTableProps, 'all' | 'filters' | 'onFilters'>) {
  const owners = ownersOf(all)
  return (
    <div role="search" aria-label="Filter the machines" className="flex flex-wrap items-end gap-3">
      <Field
        label="Search"
        className="min-w-[220px] flex-1"
        type="search"
        value={filters.q}
        placeholder="Hostname, owner or address"
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          onFilters({ ...filters, q: event.target.value })
        }}
      />
      <SelectField
        label="Status"
        className="w-full sm:w-[190px]"
        value={filters.status}
        onChange={(event) => {
          onFilters({ ...filters, status: event.target.value })
        }}
      >
        <option value="">All statuses</option>
        {STATUSES.map((status) => (
          <option key={status} value={status}>
            {status.replace(/_/g, ' ')}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Owner"
        className="w-full sm:w-[220px]"
        value={filters.owner}
        onChange={(event) => {
          onFilters({ ...filters, owner: event.target.value })
        }}
      >
        <option value="">Everyone</option>
        {owners.map((owner) => (
          <option key={owner.id} value={owner.id}>
            {owner.name}
          </option>
        ))}
      </SelectField>
    </div>
  )
}

export function MachinesTable({ all, shown, guests, filters, onFilters, onChanged, onFailure }: MachinesTableProps) {
  const filtered = shown.length !== all.length
  return (
    <div className="space-y-4">
      <Filters all={all} filters={filters} onFilters={onFilters} />
      <p role="status" className="text-[12.5px] text-ink-3">
        {filtered ? `Showing ${shown.length} of ${all.length} machines.` : `${all.length} ${all.length === 1 ? 'machine' : 'machines'}.`}
      </p>
      {all.length === 0 && <p className="text-[13px] text-ink-3">Nobody has a machine yet.</p>}
      {all.length > 0 && shown.length === 0 && (
        <p className="text-[13px] text-ink-3">
          No machine matches these filters.{' '}
          <button
            type="button"
            onClick={() => {
              onFilters({ q: '', status: '', owner: '' })
            }}
            className={chipButton}
          >
            Clear filters
          </button>
        </p>
      )}
      {shown.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full min-w-[880px] text-[13px]">
            <caption className="sr-only">All machines</caption>
            <thead>
              <tr className="border-b border-line text-left">
                {FLEET_COLUMNS.map((heading) => (
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
              {shown.map((vm) => (
                <FleetRow key={vm.id} vm={vm} guest={guests?.get(vm.id)} onChanged={onChanged} onFailure={onFailure} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
