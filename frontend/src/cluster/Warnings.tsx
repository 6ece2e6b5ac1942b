// Warnings about a VM network plan that do not block saving it (a pool under ten addresses).
export function Warnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null
  return (
    <ul aria-label="Warnings" className="space-y-1.5 rounded-xl border border-warn/25 bg-warn/[0.07] px-4 py-3 text-[13px] text-ink-2">
      {warnings.map((warning) => (
        <li key={warning}>
          <span className="font-medium text-warn">Warning:</span> {warning}
        </li>
      ))}
    </ul>
  )
}
