// The slowly drifting colour blobs and film grain behind every screen, over the whole page:
// the layer fills its layout's root (at least the viewport's height, and as tall as the page),
// not the viewport, which on a tall page (Nodes, Fleet, Provision) left everything below the
// first screenful bare. Purely decorative: hidden from assistive tech, still under reduced motion.
//
// Each blob is a radial gradient rather than a circle under `filter: blur(110px)`:
// the look is the same, but a gradient is painted once and then only moved by the
// compositor, while a 110 px blur (under the cards' backdrop blur) is recomputed on
// every animation frame — that kept a CPU core busy in software-rendered Chromium.

const blobs = [
  // warm peach, top left
  'size-[940px] -left-[400px] -top-[420px] text-blob-1 opacity-[0.22]',
  // pink, right
  'size-[860px] -right-[340px] top-[16%] text-blob-2 opacity-[0.18] [animation-delay:-7s]',
  // lavender, bottom centre
  'size-[900px] left-[24%] -bottom-[460px] text-blob-3 opacity-[0.16] [animation-delay:-14s]',
  // soft peach, lower left
  'size-[720px] -left-[300px] top-[52%] text-blob-4 opacity-[0.14] [animation-delay:-4s]',
]

export function Backdrop() {
  return (
    <div aria-hidden="true" data-backdrop className="pointer-events-none absolute inset-0 -z-10 overflow-hidden">
      {blobs.map((placement) => (
        <div
          key={placement}
          className={`blob absolute will-change-transform motion-safe:animate-drift ${placement}`}
        />
      ))}
      <div className="grain absolute inset-0 opacity-[0.1]" />
    </div>
  )
}
