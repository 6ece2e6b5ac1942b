// Helpers for page tests: render the real route table at a path, and script fetch.
import { render } from '@testing-library/react'
import { createMemoryRouter, RouterProvider } from 'react-router'
import { vi } from 'vitest'
import { routes } from '../routes'

export function renderAt(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] })
  return { router, ...render(<RouterProvider router={router} />) }
}

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

type Answer = Response | Error | Promise<Response>

/**
 * Replaces globalThis.fetch: the n-th call gets the n-th answer (an Error rejects,
 * like a dropped connection). Calls past the script fail the test loudly.
 */
export function scriptFetch(...answers: (() => Answer)[]) {
  let call = 0
  return vi.spyOn(globalThis, 'fetch').mockImplementation((input) => {
    const answer = answers[call++]
    if (!answer) {
      const url = input instanceof Request ? input.url : input.toString()
      throw new Error(`unexpected fetch #${call}: ${url}`)
    }
    const value = answer()
    return value instanceof Error ? Promise.reject(value) : Promise.resolve(value)
  })
}

/** The <dd> text next to a <dt> label, as a screen reader would pair them. */
export function definition(container: HTMLElement, term: string): string {
  const dt = Array.from(container.querySelectorAll('dt')).find((el) => el.textContent === term)
  const dd = dt?.nextElementSibling
  if (dd?.tagName !== 'DD') throw new Error(`no <dd> for <dt>${term}</dt>`)
  return dd.textContent
}
