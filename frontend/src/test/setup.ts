// Vitest setup: unmount whatever a test rendered (globals are off, so RTL cannot do it
// itself), and fail a test whose page made an API call the test did not script.
import { cleanup } from '@testing-library/react'
import { afterEach, expect } from 'vitest'
import { strayCalls } from './harness'

afterEach(() => {
  cleanup()
  const stray = strayCalls.splice(0)
  expect(stray, 'API calls the test did not script').toEqual([])
})
