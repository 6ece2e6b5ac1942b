// Admin → Audit log: who did what, newest first. Filters live in the address (`action`,
// `actor`, `q`) so a filtered view can be shared and the Back button undoes a filter; older
// entries come a page at a time through the API's keyset cursor (`next_before`).
import { type SubmitEvent, useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router'
import { loadAuditPage } from '../../api/admin'
import type { Outcome } from '../../api/call'
import type { ApiFailure } from '../../api/failure'
import type { AuditAction, AuditEntry, AuditPage as AuditPageData } from '../../api/types'
import { FailureAlert } from '../../ui/FailureAlert'
import { Field } from '../../ui/Field'
import { formatDateTime } from '../../ui/format'
import { LoadStatus } from '../../ui/LoadStatus'
import { PageHeader, Panel } from '../../ui/Panel'
import { SelectField } from '../../ui/SelectField'
import { chipButton, ghostButton } from '../../ui/styles'
import { Time } from '../../ui/Time'
import { auditActionLabel, auditActionLabels, auditActions, isAuditAction, isRefusal } from './auditActions'

const PAGE_SIZE = 50

interface Filters {
  action?: AuditAction
  /** An account id (the API filters actors by id, not by email). */
  actor?: string
  q?: string
}

function fetchPage(filters: Filters, before: number | undefined, signal?: AbortSignal): Promise<Outcome<AuditPageData>> {
  return loadAuditPage({ ...filters, before, limit: PAGE_SIZE }, signal)
}

type ListState =
  | { key: string; phase: 'ok'; entries: AuditEntry[]; nextBefore?: number }
  | { key: string; phase: 'failed'; failure: ApiFailure }

type OlderState = { key: string; phase: 'loading' } | { key: string; phase: 'failed'; failure: ApiFailure }

function SearchForm({ initial, onSearch }: { initial: string; onSearch: (q: string) => void }) {
  const [draft, setDraft] = useState(initial)
  return (
    <form
      role="search"
      aria-label="Search the audit log"
      onSubmit={(event: SubmitEvent<HTMLFormElement>) => {
        event.preventDefault()
        onSearch(draft.trim())
      }}
      className="min-w-[240px] flex-1"
    >
      <Field
        label="Search"
        type="search"
        name="q"
        value={draft}
        placeholder="An email, a user or token name…"
        spellCheck={false}
        autoComplete="off"
        onChange={(event) => {
          setDraft(event.target.value)
        }}
        addon={
          <button type="submit" className={`${ghostButton} shrink-0`}>
            Search
          </button>
        }
      />
    </form>
  )
}

function ActionFilter({ value, onChange }: { value: AuditAction | undefined; onChange: (next: string) => void }) {
  return (
    <SelectField
      label="Action"
      className="w-full sm:w-[280px]"
      value={value ?? ''}
      onChange={(event) => {
        onChange(event.target.value)
      }}
    >
      <option value="">All actions</option>
      {auditActions.map((action) => (
        <option key={action} value={action}>
          {auditActionLabels[action]} ({action})
        </option>
      ))}
    </SelectField>
  )
}

function EntryRow({ entry, onActor }: { entry: AuditEntry; onActor: (id: string) => void }) {
  const refused = isRefusal(entry.action)
  const { actor_id: actorId, actor_email: actorEmail } = entry
  return (
    <tr className="border-b border-line align-top last:border-b-0">
      <td className="py-3 pr-4 whitespace-nowrap">
        <span className="block text-ink-2">
          <Time iso={entry.at} />
        </span>
        <span className="block font-mono text-[11px] text-ink-3">{formatDateTime(entry.at)}</span>
      </td>
      <th scope="row" className="py-3 pr-4 text-left font-normal">
        <span className={`block font-medium ${refused ? 'text-bad' : 'text-ink'}`}>{auditActionLabel(entry.action)}</span>
        <code className="block font-mono text-[11px] text-ink-3">{entry.action}</code>
      </th>
      <td className="py-3 pr-4 font-mono text-[12px]">
        {actorEmail && actorId ? (
          <button
            type="button"
            title={`Show only what ${actorEmail} did`}
            onClick={() => {
              onActor(actorId)
            }}
            className="cursor-pointer text-left text-ink-2 underline decoration-line-strong underline-offset-4 transition-colors hover:text-ink hover:decoration-ink"
          >
            {actorEmail}
          </button>
        ) : (
          <span className="text-ink-2">{actorEmail ?? <span className="text-ink-3">Nimbus</span>}</span>
        )}
      </td>
      <td className="py-3 pr-4">
        {(entry.target_label ?? entry.target) ? (
          <span title={entry.target} className="text-ink-2">
            {entry.target_label ?? entry.target}
          </span>
        ) : (
          <span className="text-ink-3">—</span>
        )}
      </td>
      <td className="py-3 pr-4 text-ink-2">{entry.detail || <span className="text-ink-3">—</span>}</td>
      <td className="py-3 font-mono text-[12px] whitespace-nowrap text-ink-3">{entry.ip ?? '—'}</td>
    </tr>
  )
}

export function AuditPage() {
  const [params, setParams] = useSearchParams()
  const rawAction = params.get('action')
  const action = isAuditAction(rawAction) ? rawAction : undefined
  const actor = params.get('actor')?.trim() ?? ''
  const q = params.get('q')?.trim() ?? ''
  const key = JSON.stringify([action, actor, q])

  const [attempt, setAttempt] = useState(0)
  const [list, setList] = useState<ListState | null>(null)
  const [older, setOlder] = useState<OlderState | null>(null)
  // The filters the page shows now, for answers that arrive after they changed.
  const currentKey = useRef(key)

  useEffect(() => {
    currentKey.current = key
    const controller = new AbortController()
    const filters: Filters = { action, actor: actor || undefined, q: q || undefined }
    void fetchPage(filters, undefined, controller.signal).then((outcome) => {
      if (controller.signal.aborted) return
      setList(
        outcome.ok
          ? { key, phase: 'ok', entries: outcome.data.entries, nextBefore: outcome.data.next_before }
          : { key, phase: 'failed', failure: outcome.failure },
      )
    })
    return () => {
      controller.abort()
    }
  }, [key, action, actor, q, attempt])

  function setFilter(name: 'action' | 'actor' | 'q', value: string) {
    setParams((current) => {
      const next = new URLSearchParams(current)
      if (value === '') next.delete(name)
      else next.set(name, value)
      return next
    })
  }

  async function loadOlder(before: number) {
    const requestKey = key
    setOlder({ key: requestKey, phase: 'loading' })
    const filters: Filters = { action, actor: actor || undefined, q: q || undefined }
    const outcome = await fetchPage(filters, before)
    if (currentKey.current !== requestKey) return
    if (!outcome.ok) {
      setOlder({ key: requestKey, phase: 'failed', failure: outcome.failure })
      return
    }
    setOlder(null)
    setList((current) =>
      current?.key === requestKey && current.phase === 'ok'
        ? {
            ...current,
            // Keyset paging never repeats an entry, but a double click must not either.
            entries: [...current.entries, ...outcome.data.entries.filter((e) => !current.entries.some((c) => c.id === e.id))],
            nextBefore: outcome.data.next_before,
          }
        : current,
    )
  }

  const shown = list?.key === key ? list : null
  const olderNow = older?.key === key ? older : null
  const filtered = action !== undefined || actor !== '' || q !== ''
  const actorEmail =
    shown?.phase === 'ok' ? shown.entries.find((entry) => entry.actor_id === actor)?.actor_email : undefined

  return (
    <div className="space-y-8">
      <PageHeader
        eyebrow="Admin · Audit log"
        title={
          <>
            Who did <em className="italic">what.</em>
          </>
        }
        lead="Sign-ins, accounts, roles, tokens and settings: every privileged action on this Nimbus, newest first."
      />
      <Panel title="Audit log" description="Click an email to see only what that person did.">
        <div className="flex flex-wrap items-end gap-4">
          <ActionFilter
            value={action}
            onChange={(next) => {
              setFilter('action', next)
            }}
          />
          <SearchForm
            key={q}
            initial={q}
            onSearch={(next) => {
              setFilter('q', next)
            }}
          />
        </div>
        {actor !== '' && (
          <p className="mt-4 flex flex-wrap items-center gap-2 text-[13px] text-ink-2">
            Only what <span className="font-mono text-ink">{actorEmail ?? actor}</span> did
            <button
              type="button"
              onClick={() => {
                setFilter('actor', '')
              }}
              className={chipButton}
            >
              Show everyone
            </button>
          </p>
        )}

        <div className="mt-6" aria-busy={shown === null}>
          <LoadStatus
            state={shown ?? { phase: 'loading' }}
            what="the audit log"
            onRetry={() => {
              setList(null)
              setAttempt((n) => n + 1)
            }}
          />
          {shown?.phase === 'ok' && shown.entries.length === 0 && (
            <p className="rounded-xl border border-dashed border-line-2 px-5 py-8 text-center text-[13px] text-ink-3">
              {filtered ? 'Nothing recorded matches these filters.' : 'Nothing recorded yet.'}
            </p>
          )}
          {shown?.phase === 'ok' && shown.entries.length > 0 && (
            <>
              <div className="overflow-x-auto">
                <table className="w-full min-w-[960px] text-[13px]">
                  <caption className="sr-only">Audit log, newest first</caption>
                  <thead>
                    <tr className="border-b border-line text-left">
                      {['Time', 'Action', 'Actor', 'Target', 'Detail', 'Address'].map((heading) => (
                        <th key={heading} scope="col" className="eyebrow pr-4 pb-2.5 font-medium">
                          {heading}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {shown.entries.map((entry) => (
                      <EntryRow
                        key={entry.id}
                        entry={entry}
                        onActor={(id) => {
                          setFilter('actor', id)
                        }}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="mt-5 flex flex-wrap items-center gap-3">
                <span className="text-[12.5px] text-ink-3">
                  {shown.entries.length} {shown.entries.length === 1 ? 'entry' : 'entries'}
                  {shown.nextBefore === undefined ? ', nothing older.' : ' so far.'}
                </span>
                {shown.nextBefore !== undefined && (
                  <button
                    type="button"
                    disabled={olderNow?.phase === 'loading'}
                    onClick={() => {
                      if (shown.nextBefore !== undefined) void loadOlder(shown.nextBefore)
                    }}
                    className={`${ghostButton} h-9 px-4 text-[13px]`}
                  >
                    {olderNow?.phase === 'loading' ? 'Loading…' : 'Load older'}
                  </button>
                )}
              </div>
              {olderNow?.phase === 'failed' && (
                <div className="mt-4">
                  <FailureAlert failure={olderNow.failure} lead="Could not load older entries" />
                </div>
              )}
            </>
          )}
        </div>
      </Panel>
    </div>
  )
}
