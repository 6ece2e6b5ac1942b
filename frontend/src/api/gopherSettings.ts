// The calls Settings → Gopher makes: the tunnel gateway's URL and key (the key is write-only:
// Nimbus says only whether one is stored), a clear that turns tunnels off, and a connection test.
import { settle } from './call'
import { api } from './client'
import type { GopherSettingsUpdate, GopherTestRequest } from './types'

export const loadGopherSettings = (signal: AbortSignal) => settle(api.GET('/settings/gopher', { signal }))

/** Saves and applies at once; an empty or absent key keeps the stored one. */
export const saveGopherSettings = (change: GopherSettingsUpdate) =>
  settle(api.PUT('/settings/gopher', { body: change }))

/** Forgets the URL and key: tunnels are off. */
export const clearGopherSettings = () => settle(api.PUT('/settings/gopher', { body: { clear: true } }))

/** Calls Gopher with these values (empty ones: the stored ones) and says what it answered. */
export const testGopherSettings = (values: GopherTestRequest) =>
  settle(api.POST('/settings/gopher/test', { body: values }))
