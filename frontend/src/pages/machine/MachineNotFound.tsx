// A machine id that is not the signed-in person's (or not anyone's): said plainly, with a way home.
import { useId } from 'react'
import { Link } from 'react-router'
import { primaryButton } from '../../ui/styles'

export function MachineNotFound() {
  const titleId = useId()
  return (
    <section aria-labelledby={titleId} className="glass mx-auto max-w-[480px] px-8 py-10 text-center">
      <p className="eyebrow">Not found</p>
      <h1 id={titleId} className="mt-3 text-[34px] leading-[1.1]">
        No such machine
      </h1>
      <p className="mt-3 text-ink-2">
        Nimbus has no machine of yours at this address. It may have been deleted, or the link has a typo.
      </p>
      <Link to="/" className={`${primaryButton} mt-6`}>
        Back to home
      </Link>
    </section>
  )
}
