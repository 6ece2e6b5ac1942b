// Vitest setup: unmount whatever a test rendered (globals are off, so RTL cannot do it itself).
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => {
  cleanup()
})
