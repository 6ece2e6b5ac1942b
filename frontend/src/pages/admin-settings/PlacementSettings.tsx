// Settings → Cluster → Placement: which nodes new machines may land on, and how much headroom
// placement keeps (memory kept free, CPU load weight, clones at once per node, the disk storage).
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import type { FieldBinding } from '../../cluster/NetworkFields'
import { lockedHint } from '../../cluster/NetworkFields'
import type { PlacementField } from './clusterDraft'

const LABELS: Record<PlacementField, { label: string; hint: string; numeric?: boolean }> = {
  excluded_nodes: { label: 'Nodes kept out', hint: 'New machines never land on these nodes (comma separated).' },
  mem_buffer_mib: { label: 'Memory kept free per node (MiB)', hint: 'A node is not chosen when a new machine would leave less free.', numeric: true },
  cpu_load_factor: { label: 'CPU load factor', hint: 'How much a node’s current CPU load weighs against picking it.' },
  clone_concurrency_per_node: { label: 'Clones at once per node', hint: 'More clones wait their turn.', numeric: true },
  disk_storage: { label: 'Disk storage', hint: 'Where new machines’ disks go; empty keeps the template’s storage.' },
}

interface PlacementSettingsProps {
  bind: (name: PlacementField) => FieldBinding
  lockedBy: (name: PlacementField) => string | undefined
}

export function PlacementSettings({ bind, lockedBy }: PlacementSettingsProps) {
  return (
    <Panel title="Placement" description="How Nimbus picks a node for each new machine.">
      <div className="grid gap-4 sm:grid-cols-2">
        {(Object.keys(LABELS) as PlacementField[]).map((name) => {
          const { label, hint, numeric } = LABELS[name]
          const variable = lockedBy(name)
          return (
            <Field
              key={name}
              {...bind(name)}
              label={label}
              hint={variable ? lockedHint(variable) : hint}
              readOnly={variable !== undefined}
              inputMode={numeric ? 'numeric' : name === 'cpu_load_factor' ? 'decimal' : undefined}
              spellCheck={false}
              autoComplete="off"
              mono
            />
          )
        })}
      </div>
    </Panel>
  )
}
