// A job's output as it arrives: monospace, scrolled to the newest line while the reader is at the
// bottom (scrolling up to read stops that until they scroll back down), with what the view is
// doing in words: following live, finished, or lost.
import { useLayoutEffect, useRef } from 'react'
import { badge, ghostButton } from '../../ui/styles'
import type { Following } from './useJobFollow'

/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK_PX = 24

const INDICATOR: Record<Following, { words: string; tone: 'good' | 'neutral' | 'warn' }> = {
  connecting: { words: 'Connecting…', tone: 'neutral' },
  live: { words: 'Following live', tone: 'good' },
  finished: { words: 'Finished', tone: 'neutral' },
  lost: { words: 'Not following', tone: 'warn' },
}

interface LogViewProps {
  log: string
  /** Older output was dropped from `log`. */
  trimmed: boolean
  following: Following
  downloadUrl: string
  downloadName: string
  onFollowAgain: () => void
}

export function LogView({ log, trimmed, following, downloadUrl, downloadName, onFollowAgain }: LogViewProps) {
  const ref = useRef<HTMLPreElement>(null)
  const atBottom = useRef(true)
  const indicator = INDICATOR[following]

  useLayoutEffect(() => {
    const element = ref.current
    if (element && atBottom.current) element.scrollTop = element.scrollHeight
  }, [log])

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p role="status" data-following={following} className={`${badge(indicator.tone)} gap-1.5`}>
          {following === 'live' && <span aria-hidden="true" className="size-1.5 rounded-full bg-good motion-safe:animate-breathe" />}
          {indicator.words}
        </p>
        <a href={downloadUrl} download={downloadName} className={`${ghostButton} h-9 px-4 text-[13px]`}>
          Download log
        </a>
      </div>
      {following === 'lost' && (
        <div className="flex flex-wrap items-center gap-3 text-[13px] text-ink-2">
          <span>The live log stopped (Nimbus closed the stream).</span>
          <button type="button" className={`${ghostButton} h-9 px-4 text-[13px]`} onClick={onFollowAgain}>
            Follow again
          </button>
        </div>
      )}
      {trimmed && (
        <p className="text-[12.5px] text-ink-3">Showing the newest 512 KiB of the output: Download log has all of it.</p>
      )}
      <pre
        ref={ref}
        role="log"
        aria-label="Output"
        tabIndex={0}
        onScroll={(event) => {
          const element = event.currentTarget
          atBottom.current = element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX
        }}
        className="max-h-[480px] min-h-[160px] overflow-auto rounded-xl border border-line-2 bg-ink px-4 py-3 font-mono text-[12.5px] leading-relaxed whitespace-pre-wrap break-all text-white/90"
      >
        {log === '' ? <span className="text-white/50">{following === 'finished' ? 'No output.' : 'No output yet.'}</span> : log}
      </pre>
    </div>
  )
}
