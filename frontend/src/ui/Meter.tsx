// Bars for numbers people compare (CSS cannot size them here: the portal's CSP forbids inline
// styles, so they are SVG rectangles sized by attribute). `Meter`: one labelled share of a whole,
// with its words beside it; `SegmentedBar`: a whole split into coloured parts with a legend.
import { useId } from 'react'
import { share } from './units'

const TONES = {
  ink: 'fill-ink/75',
  good: 'fill-good/70',
  warn: 'fill-warn/70',
  bad: 'fill-bad/75',
  peach: 'fill-blob-1',
  pink: 'fill-blob-2',
  grey: 'fill-ink-3/60',
  free: 'fill-ink/[0.06]',
} as const

export type BarTone = keyof typeof TONES

/** The tone of a share: ink while there is room, amber from 75 %, red from 90 %. */
export function loadTone(fraction: number): BarTone {
  if (fraction >= 0.9) return 'bad'
  if (fraction >= 0.75) return 'warn'
  return 'ink'
}

interface MeterProps {
  label: string
  value: number
  max: number
  /** What the numbers are in words: "12 GiB of 64 GiB". */
  text: string
  /** A second, lighter mark behind the value (memory promised to guests). */
  marker?: number | undefined
  tone?: BarTone
}

export function Meter({ label, value, max, text, marker, tone }: MeterProps) {
  const labelId = useId()
  const fraction = share(value, max)
  const percent = fraction * 100
  return (
    <div>
      <div className="flex items-baseline justify-between gap-3 text-[12px]">
        <span id={labelId} className="text-ink-3">
          {label}
        </span>
        <span className="font-mono text-[11.5px] text-ink-2">{text}</span>
      </div>
      <div
        role="meter"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        aria-valuetext={text}
        className="mt-1 h-1.5 overflow-hidden rounded-full bg-ink/[0.06]"
      >
        <svg aria-hidden="true" viewBox="0 0 100 1" preserveAspectRatio="none" className="block size-full">
          {marker !== undefined && <rect x="0" y="0" width={share(marker, max) * 100} height="1" className="fill-ink/15" />}
          <rect x="0" y="0" width={percent} height="1" className={TONES[tone ?? loadTone(fraction)]} />
        </svg>
      </div>
    </div>
  )
}

export interface Segment {
  label: string
  value: number
  tone: BarTone
}

/** One bar split into `segments` (in order), and a legend (the list screen readers read) naming each with its count. */
export function SegmentedBar({ label, segments }: { label: string; segments: Segment[] }) {
  const total = segments.reduce((sum, segment) => sum + segment.value, 0)
  const widths = segments.map((segment) => share(segment.value, total) * 100)
  const rects = segments.map((segment, index) => ({
    ...segment,
    x: widths.slice(0, index).reduce((sum, width) => sum + width, 0),
    width: widths[index] ?? 0,
  }))
  return (
    <div>
      <div aria-hidden="true" className="h-2 overflow-hidden rounded-full bg-ink/[0.05]">
        <svg aria-hidden="true" viewBox="0 0 100 1" preserveAspectRatio="none" className="block size-full">
          {rects.map((rect) => (
            <rect key={rect.label} x={rect.x} y="0" width={rect.width} height="1" className={TONES[rect.tone]} />
          ))}
        </svg>
      </div>
      <ul aria-label={label} className="mt-2.5 flex flex-wrap gap-x-4 gap-y-1 font-mono text-[11px] text-ink-3">
        {segments.map((segment) => (
          <li key={segment.label} className="flex items-center gap-1.5">
            <svg aria-hidden="true" viewBox="0 0 8 8" className="size-2 rounded-[2px]">
              <rect width="8" height="8" className={segment.tone === 'free' ? 'fill-ink/10' : TONES[segment.tone]} />
            </svg>
            {segment.label} · {segment.value}
          </li>
        ))}
      </ul>
    </div>
  )
}
