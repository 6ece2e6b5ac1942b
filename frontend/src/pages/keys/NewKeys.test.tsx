import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import type { SshKey } from '../../api/types'
import { ok, refusal, renderAt } from '../../test/harness'
import { desktop, isDefault, keyItem, keysPage, laptop, listedNames } from '../../test/keys'
import { catchDownloads, PRIVATE_KEY } from '../../test/vms'

describe('keys page: new keys', () => {
  it('generates a key it does not keep: downloads it at once and says this is the only copy', async () => {
    const user = userEvent.setup()
    const saved = catchDownloads()
    const lab: SshKey = { ...desktop, id: 'k-lab', name: 'lab', algorithm: 'ssh-ed25519', bits: 256, source: 'generated', created_at: '2025-03-02T08:00:00Z' }
    const fetch = keysPage({ 'POST /api/keys': () => ok({ key: lab, private_key: PRIVATE_KEY }, 201) })
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Generate a key' })
    await user.type(within(form).getByLabelText('Name'), 'lab')
    const keep = within(form).getByRole('checkbox', { name: 'Keep a copy in the Nimbus vault' })
    expect((keep as HTMLInputElement).checked).toBe(true)
    expect(form.textContent).toContain('so you can download it again from this page later')
    await user.click(keep)
    expect(form.textContent).toContain('it is never stored')
    await user.click(within(form).getByRole('button', { name: 'Generate key' }))

    const box = await screen.findByRole('region', { name: 'Key “lab” created' })
    expect(fetch.calls('POST /api/keys')[0]?.body).toEqual({
      name: 'lab',
      generate: true,
      keep_private_key: false,
      set_default: false,
    })
    // The browser was asked to save it, named after the key, before anything else.
    expect(saved.map((file) => file.name)).toEqual(['lab'])
    expect(await saved[0]?.blob.text()).toBe(PRIVATE_KEY)
    expect(box.textContent).toContain('Nimbus did not keep it: this is the only copy')
    expect(box.textContent).not.toContain('download it again')
    expect(within(box).getByLabelText('Private key (lab, Ed25519)').textContent).toBe(PRIVATE_KEY)
    expect(box.textContent).toContain('ssh -i ~/.ssh/lab user@host')
    expect(document.activeElement).toBe(within(box).getByRole('heading', { name: 'Key “lab” created' }))

    await user.click(within(box).getByRole('button', { name: 'Copy the private key' }))
    expect(await navigator.clipboard.readText()).toBe(PRIVATE_KEY)
    await user.click(within(box).getByRole('button', { name: 'Save the file again' }))
    expect(saved.map((file) => file.name)).toEqual(['lab', 'lab'])

    // In the list at once, after the default; the form is ready for another.
    expect(listedNames()).toEqual(['laptop', 'lab', 'desktop'])
    expect(within(form).getByLabelText<HTMLInputElement>('Name').value).toBe('')

    await user.click(within(box).getByRole('button', { name: 'I have saved it' }))
    expect(screen.queryByRole('region', { name: 'Key “lab” created' })).toBeNull()
    expect(document.body.innerHTML).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA')
  })

  it('says a kept key can be downloaded again', async () => {
    const user = userEvent.setup()
    catchDownloads()
    const lab: SshKey = { ...laptop, id: 'k-lab', name: 'lab', label: undefined, created_at: '2025-03-02T08:00:00Z' }
    const fetch = keysPage({ 'POST /api/keys': () => ok({ key: lab, private_key: PRIVATE_KEY }, 201) })
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Generate a key' })
    await user.type(within(form).getByLabelText('Name'), 'lab')
    await user.click(within(form).getByRole('checkbox', { name: 'Make this my default' }))
    await user.click(within(form).getByRole('button', { name: 'Generate key' }))

    const box = await screen.findByRole('region', { name: 'Key “lab” created' })
    expect(box.textContent).toContain('You can download it again from this page.')
    expect(box.textContent).not.toContain('only copy')
    expect(fetch.calls('POST /api/keys')[0]?.body).toMatchObject({ keep_private_key: true, set_default: true })
    // The new default is the only one.
    expect(isDefault('lab')).toBe(true)
    expect(isDefault('laptop')).toBe(false)
  })

  it('adds a public key, suggesting its name, and shows the API’s complaint under the right field', async () => {
    const user = userEvent.setup()
    const fetch = keysPage({
      'POST /api/keys': () =>
        refusal(400, 'validation_failed', 'RSA keys must have at least 3072 bits; this one has 2048.', {
          field: 'public_key',
        }),
    })
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Add a key' })
    const publicKey = within(form).getByLabelText('Public key')
    await user.click(publicKey)
    await user.paste('ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 Ada@Old-Laptop')
    expect(within(form).getByLabelText<HTMLInputElement>('Name').value).toBe('ada-old-laptop')
    expect(within(form).getByLabelText('Name').getAttribute('aria-describedby')).toBeTruthy()
    expect(form.textContent).toContain('Lower-case letters, digits, “.”, “_” and “-”, starting and ending with a letter or digit')
    await user.click(within(form).getByRole('button', { name: 'Add key' }))

    await waitFor(() => {
      expect(publicKey.getAttribute('aria-invalid')).toBe('true')
    })
    expect(within(form).getByRole('alert').textContent).toBe('RSA keys must have at least 3072 bits; this one has 2048.')
    expect(document.activeElement).toBe(publicKey)
    expect(fetch.calls('POST /api/keys')[0]?.body).toEqual({
      name: 'ada-old-laptop',
      public_key: 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 Ada@Old-Laptop',
      set_default: false,
    })
  })

  it('says at once when a private key lands in the public field, and the other way round', async () => {
    const user = userEvent.setup()
    keysPage()
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Add a key' })
    const publicKey = within(form).getByLabelText('Public key')
    await user.click(publicKey)
    await user.paste(PRIVATE_KEY)
    expect(publicKey.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByRole('alert').textContent).toMatch(/^This is a private key/)

    const privateKey = within(form).getByLabelText('Private key (optional)')
    await user.click(privateKey)
    await user.paste(laptop.public_key)
    expect(privateKey.getAttribute('aria-invalid')).toBe('true')
    expect(within(form).getByRole('alert').textContent).toMatch(/^This is a public key/)
    // Nothing was sent: GET /api/keys is the only call.
  })

  it('reads a .pub file, names the key after it, and sends its private half too', async () => {
    const user = userEvent.setup()
    const added: SshKey = { ...desktop, id: 'k-new', name: 'id_ed25519', has_private_key: true, created_at: '2025-03-03T08:00:00Z' }
    const fetch = keysPage({ 'POST /api/keys': () => ok({ key: added }, 201) })
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Add a key' })
    await user.upload(
      within(form).getByLabelText('Upload .pub file'),
      new File([`${laptop.public_key} ada@laptop\n`], 'id_ed25519.pub', { type: 'application/octet-stream' }),
    )
    await waitFor(() => {
      expect(within(form).getByLabelText<HTMLTextAreaElement>('Public key').value).toContain(laptop.public_key)
    })
    expect(within(form).getByLabelText<HTMLInputElement>('Name').value).toBe('id_ed25519')
    await user.upload(within(form).getByLabelText('Upload key file'), new File([PRIVATE_KEY], 'id_ed25519'))
    await waitFor(() => {
      expect(within(form).getByLabelText<HTMLTextAreaElement>('Private key (optional)').value).toBe(PRIVATE_KEY)
    })
    await user.click(within(form).getByRole('button', { name: 'Add key' }))

    expect((await within(form).findByRole('status')).textContent).toBe('Added “id_ed25519”: it is in your list above.')
    expect(fetch.calls('POST /api/keys')[0]?.body).toEqual({
      name: 'id_ed25519',
      public_key: `${laptop.public_key} ada@laptop`,
      private_key: PRIVATE_KEY,
      set_default: false,
    })
    expect(keyItem('id_ed25519')).toBeTruthy()
  })

  it('refuses a file too large to be a key without reading it', async () => {
    const user = userEvent.setup()
    keysPage()
    renderAt('/keys')

    const form = await screen.findByRole('form', { name: 'Add a key' })
    await user.upload(within(form).getByLabelText('Upload .pub file'), new File(['x'.repeat(20 * 1024)], 'photo.jpg'))
    const alert = await within(form).findByRole('alert')
    expect(alert.textContent).toBe('“photo.jpg” is 20 KiB; a public key file is at most 16 KiB. Is it the right file?')
  })
})
