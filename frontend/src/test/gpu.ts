// GPU fixtures for page tests: jobs in each state, the plane, settings with workers.
import type { GpuJob, GpuPlane, GpuSettings, GpuWorker } from '../api/types'

export function gpuJob(overrides: Partial<GpuJob> = {}): GpuJob {
  return {
    id: 7,
    owner_id: 'u-bob',
    image: 'nimbus/stand-in:latest',
    command: ['python', 'train.py'],
    env: [],
    status: 'queued',
    position: 1,
    queued_at: '2026-12-07T10:00:00Z',
    requeues: 0,
    log_bytes: 0,
    ...overrides,
  }
}

export const runningJob = (overrides: Partial<GpuJob> = {}) =>
  gpuJob({
    status: 'running',
    position: undefined,
    started_at: '2026-12-07T10:00:05Z',
    duration_seconds: 65,
    worker: 'gx10-demo',
    ...overrides,
  })

export const succeededJob = (overrides: Partial<GpuJob> = {}) =>
  runningJob({
    status: 'succeeded',
    finished_at: '2026-12-07T10:03:05Z',
    duration_seconds: 180,
    exit_code: 0,
    artifact: '/var/lib/gx10/jobs/7/out',
    ...overrides,
  })

export const planeOn: GpuPlane = { enabled: true, workers_online: 1, stand_in: true }

export const planeOff: GpuPlane = {
  enabled: false,
  message: 'GPU jobs are turned off on this Nimbus.',
  workers_online: 0,
  stand_in: false,
}

export const standIn: GpuWorker = {
  id: 'gx10-demo',
  created_at: '2026-12-01T09:00:00Z',
  last_seen_at: '2026-12-07T10:00:00Z',
  online: true,
  current_job: 7,
  stand_in: true,
}

export const gpuSettings: GpuSettings = {
  enabled: true,
  max_queued_per_user: 5,
  max_running_per_user: 1,
  lease_seconds: 60,
  heartbeat_seconds: 10,
  max_runtime_hours: 24,
  log_cap_mib: 16,
  log_retention_days: 14,
  workers: [standIn],
}
