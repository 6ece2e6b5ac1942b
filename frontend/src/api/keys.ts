// The calls about the caller's SSH keys: the list, generating or adding one, renaming it,
// handing Nimbus its private half later, downloading a kept private half, picking the default,
// and deleting one.
import { settle } from './call'
import { api } from './client'
import type { KeyUpdate, NewKey } from './types'

export const loadKeys = (signal: AbortSignal) => settle(api.GET('/keys', { signal }))

/** Generates a key (`generate: true`) or adds the one in `public_key`. */
export const createKey = (key: NewKey) => settle(api.POST('/keys', { body: key }))

/** Renames and relabels; only the fields given change (an empty label clears it). */
export const updateKey = (id: string, change: KeyUpdate) =>
  settle(api.PATCH('/keys/{id}', { params: { path: { id } }, body: change }))

/** Gives Nimbus the private half of a key it has only the public half of (it must match). */
export const keepPrivateKey = (id: string, privateKey: string) =>
  settle(api.POST('/keys/{id}/private-key', { params: { path: { id } }, body: { private_key: privateKey } }))

/** The private half Nimbus keeps, with the file name to save it as. */
export const loadKeyPrivateKey = (id: string) => settle(api.GET('/keys/{id}/private-key', { params: { path: { id } } }))

export const makeDefaultKey = (id: string) => settle(api.POST('/keys/{id}/default', { params: { path: { id } } }))

export const deleteKey = (id: string) => settle(api.DELETE('/keys/{id}', { params: { path: { id } } }))
