// Settings → Cluster → Placement: which nodes new machines may land on, and how much headroom
// placement keeps (memory kept free, how much CPU it counts on, clones at once per node, and the
// storage whose free space it checks).
import { Field } from '../../ui/Field'
import { Panel } from '../../ui/Panel'
import type { FieldBinding } from '../../cluster/NetworkFields'
import { lockedHint } from '../../cluster/NetworkFields'
import type { PlacementField } from './clusterDraft'

const LABELS: Record<PlacementField, { label: string; hint: string; numeric?: boolean }> = {
  excluded_nodes: { label: 'Nodes kept out', hint: 'Nodes never given new machines (comma separated).' },
  mem_buffer_mib: { label: 'Memory kept free per node (MiB)', hint: 'Kept free on every node beyond the new machine’s own.', numeric: true },
  cpu_load_factor: { label: 'CPU load factor', hint: 'How much of a node’s CPU placement counts on, from 0.25 to 1.0.' },
  clone_concurrency_per_node: { label: 'Clones at once per node', hint: 'From 1 to 64; more clones wait their turn.', numeric: true },
  disk_storage: { label: 'Disk storage', hint: 'The storage whose free space placement checks; empty turns the check off.' },
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
