// Class lists for the portal's controls, so every form and table looks the same.
// (Tailwind utilities, not components: a <button> stays a <button> with its own props.)

const button =
  'inline-flex items-center justify-center gap-2 rounded-control text-sm font-medium transition disabled:cursor-not-allowed disabled:opacity-55 disabled:hover:translate-y-0'

/** Ink fill, white text, lifts on hover: the one main action of a form. */
export const primaryButton = `${button} h-11 bg-ink px-5 text-white shadow-primary hover:-translate-y-px`

/** Frosted white with a hairline: secondary actions. */
export const ghostButton = `${button} h-11 border border-line-2 bg-white/85 px-5 text-ink hover:border-line-strong`

/** Red fill: the confirming button of something that cannot be undone. */
export const dangerButton = `${button} h-11 bg-bad px-5 text-white shadow-[0_8px_20px_-8px_rgb(184_58_58/0.6)] hover:-translate-y-px`

const chip =
  'inline-flex items-center rounded-md border px-2 py-1 font-mono text-[10.5px] font-medium tracking-[0.14em] uppercase transition-colors disabled:cursor-not-allowed disabled:opacity-50'

/** Small mono uppercase chip for actions inside tables and lists. */
export const chipButton = `${chip} border-line-2 bg-white/85 text-ink-2 hover:border-line-strong hover:text-ink`

/** Same chip in red, for revoking and disabling. */
export const dangerChipButton = `${chip} border-bad/25 bg-white/85 text-bad hover:border-bad/50`

/** Same chip in ink, for the action a row is there for (Approve). */
export const inkChipButton = `${chip} border-ink bg-ink text-white hover:bg-ink/85`

/** Text fields and drop-downs; a read-only field is tinted (Chrome calls every <select> read-only, so not those). */
export const input =
  'h-11 w-full rounded-control border border-line-2 bg-white/85 px-3.5 text-[14px] text-ink transition-colors placeholder:text-ink-3 hover:border-line-strong focus:border-ink focus:shadow-[0_0_0_3px_rgb(20_18_28/0.06)] focus-visible:outline-none aria-invalid:border-bad [&:read-only:not(select)]:bg-ink/[0.03] [&:read-only:not(select)]:text-ink-2'

export const label = 'block text-[13px] font-medium text-ink'

/** Mono uppercase badge ("this session", "admin", "expired"). */
export function badge(tone: 'neutral' | 'good' | 'warn' | 'bad' | 'ink' = 'neutral'): string {
  const tones = {
    neutral: 'border-line-2 bg-white/70 text-ink-2',
    good: 'border-good/20 bg-good/[0.08] text-good',
    warn: 'border-warn/20 bg-warn/[0.08] text-warn',
    bad: 'border-bad/20 bg-bad/[0.07] text-bad',
    ink: 'border-ink bg-ink text-white',
  }
  return `inline-flex items-center rounded-md border px-1.5 py-0.5 font-mono text-[10px] font-medium tracking-[0.12em] uppercase whitespace-nowrap ${tones[tone]}`
}
