// The Nimbus mark: a rounded square washed with the blob colours.

interface BrandMarkProps {
  /** `lg` is the 80 px hero version with a slow pink halo. */
  size?: 'md' | 'lg'
}

export function BrandMark({ size = 'md' }: BrandMarkProps) {
  const shape =
    size === 'lg' ? 'size-20 rounded-[24px] motion-safe:animate-halo' : 'size-7 rounded-lg'
  return <span aria-hidden="true" className={`brand-mark inline-block shrink-0 ${shape}`} />
}
