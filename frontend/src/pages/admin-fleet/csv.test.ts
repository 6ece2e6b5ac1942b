import { describe, expect, it } from 'vitest'
import { pendingVm, runningVm } from '../../test/vms'
import { csvField, csvFileName, machinesCsv, toCsv } from './csv'
import { filterMachines } from './filters'

describe('csvField', () => {
  it('leaves plain text alone and quotes what has a comma, a quote or a line break', () => {
    expect(csvField('web-1')).toBe('web-1')
    expect(csvField(104)).toBe('104')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
    expect(csvField('Lovelace, Ada')).toBe('"Lovelace, Ada"')
    expect(csvField('Ada "the Countess" L.')).toBe('"Ada ""the Countess"" L."')
    expect(csvField('two\nlines')).toBe('"two\nlines"')
    expect(csvField('cr\rlf')).toBe('"cr\rlf"')
  })

  it('keeps a field a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe('"\'=HYPERLINK(""http://evil"")"')
    expect(csvField('+1')).toBe("'+1")
    expect(csvField('@sum')).toBe("'@sum")
    expect(csvField('-web')).toBe("'-web")
  })
})

describe('toCsv', () => {
  it('ends every record with CRLF', () => {
    expect(toCsv([['a', 'b'], ['c, d', null]])).toBe('a,b\r\n"c, d",\r\n')
  })
})

describe('machinesCsv', () => {
  it('writes a header row and one row per machine, in the columns named', () => {
    const vms = [
      runningVm({ owner_name: 'Bob Member', owner_email: 'bob@example.com' }),
      pendingVm({ owner_name: 'Lovelace, Ada', owner_email: 'ada@example.com', reason: 'has, commas' }),
    ]
    expect(machinesCsv(vms).split('\r\n')).toEqual([
      'hostname,owner,owner_email,tier,status,ip,node,vmid,os,created',
      'web-1,Bob Member,bob@example.com,medium,running,10.0.0.7,atlas,104,ubuntu-24.04,2025-03-01T10:00:00Z',
      'llm-box,"Lovelace, Ada",ada@example.com,xl,pending_approval,,,,ubuntu-24.04,2025-03-01T10:00:00Z',
      '',
    ])
  })

  it('exports exactly the machines the filters leave', () => {
    const vms = [
      runningVm({ owner_id: 'u-bob', owner_name: 'Bob Member' }),
      runningVm({ id: 'vm-2', hostname: 'db-1', ip: '10.0.0.8', status: 'stopped', owner_id: 'u-ada', owner_name: 'Ada' }),
      pendingVm({ owner_id: 'u-bob' }),
    ]
    const hostnames = (filters: Parameters<typeof filterMachines>[1]) =>
      machinesCsv(filterMachines(vms, filters))
        .split('\r\n')
        .slice(1, -1)
        .map((line) => line.split(',')[0])
    expect(hostnames({ q: '', status: '', owner: '' })).toEqual(['web-1', 'db-1', 'llm-box'])
    expect(hostnames({ q: '', status: '', owner: 'u-bob' })).toEqual(['web-1', 'llm-box'])
    expect(hostnames({ q: '', status: 'stopped', owner: '' })).toEqual(['db-1'])
    expect(hostnames({ q: '10.0.0.8', status: '', owner: '' })).toEqual(['db-1'])
    expect(hostnames({ q: 'BOB web', status: '', owner: '' })).toEqual(['web-1'])
    expect(hostnames({ q: 'nobody', status: '', owner: '' })).toEqual([])
  })
})

describe('csvFileName', () => {
  it('is dated in local time', () => {
    expect(csvFileName(new Date(2025, 2, 1, 23, 59))).toBe('nimbus-machines-2025-03-01.csv')
  })
})
