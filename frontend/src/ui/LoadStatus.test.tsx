import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { LoadFailed, LoadStatus } from './LoadStatus'

const failure = { kind: 'refused', message: 'Database unavailable', code: 'dependency_down' } as const

describe('LoadStatus', () => {
  it('says what is loading, and nothing once it has arrived', () => {
    const { container, rerender } = render(<LoadStatus state={{ phase: 'loading' }} what="your keys" onRetry={vi.fn()} />)
    expect(screen.getByRole('status').textContent).toBe('Loading your keys…')

    rerender(<LoadStatus state={{ phase: 'ok' }} what="your keys" onRetry={vi.fn()} />)
    expect(container.textContent).toBe('')
  })

  it('shows a failure with what it means and a Retry that reads again', async () => {
    const user = userEvent.setup()
    const onRetry = vi.fn()
    render(
      <LoadStatus state={{ phase: 'failed', failure }} what="your keys" onRetry={onRetry}>
        <p>Your keys are safe.</p>
      </LoadStatus>,
    )

    const alert = screen.getByRole('alert')
    expect(alert.textContent).toContain('Could not load your keys: Database unavailable')
    expect(alert.textContent).toContain('Your keys are safe.')
    expect(alert.textContent).toContain('dependency_down')
    await user.click(within(alert).getByRole('button', { name: 'Retry' }))
    expect(onRetry).toHaveBeenCalledTimes(1)
  })

  it('names the failure its own way when told to', () => {
    render(
      <LoadStatus state={{ phase: 'failed', failure }} what="the nodes" failedLead="Could not read the nodes" onRetry={vi.fn()} />,
    )
    expect(screen.getByRole('alert').textContent).toContain('Could not read the nodes: Database unavailable')
  })
})

describe('LoadFailed', () => {
  it('keeps its button, and its focus, while a retry is under way, but ignores presses', async () => {
    const user = userEvent.setup()
    const onRetry = vi.fn()
    render(<LoadFailed failure={failure} onRetry={onRetry} retrying />)

    const button = screen.getByRole('button', { name: 'Retrying…' })
    expect(button.getAttribute('aria-disabled')).toBe('true')
    await user.click(button)
    expect(onRetry).not.toHaveBeenCalled()
    expect(document.activeElement).toBe(button)
  })
})
