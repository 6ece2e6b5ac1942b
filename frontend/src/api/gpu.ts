// The calls behind the GPU pages: the caller's training jobs (admins: everyone's) with the state of
// the GPU plane, submitting and cancelling a job, where its whole output is downloaded, and for
// admins the plane's settings and its workers (registering one mints its token, shown once).
// (Following a job's output live is a stream: api/gpuJobEvents.ts.)
import { settle, settleEmpty } from './call'
import { api } from './client'
import type { GpuSettingsChange, NewGpuJob } from './types'

/** The caller's jobs, or with `all` every member's (admins), and whether the plane takes jobs. */
export const loadGpuJobs = (all: boolean, signal: AbortSignal) =>
  settle(api.GET('/gpu/jobs', { params: { query: all ? { all: true } : {} }, signal }))

/** Queues a job (201); refused with field `image`, `command`, `env` or `vm_id`, `gpu_disabled`, `too_many_queued`. */
export const submitGpuJob = (job: NewGpuJob) => settle(api.POST('/gpu/jobs', { body: job }))

export const loadGpuJob = (id: number, signal?: AbortSignal) =>
  settle(api.GET('/gpu/jobs/{id}', { params: { path: { id } }, ...(signal ? { signal } : {}) }))

/** `cancelled` at once when queued, `cancelling` when running; `job_finished` when too late. */
export const cancelGpuJob = (id: number) => settle(api.POST('/gpu/jobs/{id}/cancel', { params: { path: { id } } }))

/** Where the browser downloads the job's whole output (`gpu-job-<id>.log`). */
export const gpuJobLogUrl = (id: number) => `/api/gpu/jobs/${id}/logs`

/** Admins: the plane's settings and its workers. */
export const loadGpuSettings = (signal: AbortSignal) => settle(api.GET('/settings/gpu', { signal }))

/** Saves the fields given; 400 names the field at fault. */
export const saveGpuSettings = (change: GpuSettingsChange) => settle(api.PUT('/settings/gpu', { body: change }))

/** Registers a worker (201): its token and environment lines are in this answer only; `worker_exists`. */
export const addGpuWorker = (id: string) => settle(api.POST('/settings/gpu/workers', { body: { id } }))

/** Revokes a worker (204): its token stops at once and its running job is queued again. */
export const revokeGpuWorker = (id: string) =>
  settleEmpty(api.DELETE('/settings/gpu/workers/{id}', { params: { path: { id } } }))
