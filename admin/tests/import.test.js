import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse } from './fakeServer'
import { all, find, openApp, signedInStaff, textOf } from './ui'

const badPhone = { row: 5, column: '手机号', message: '须为 11 位手机号' }

const report = (importedRows) => ({ totalRows: 4, validRows: 3, importedRows, errors: [badPhone] })

/** Uploads are answered by `upload`; the workbook has 4 rows, row 5 of them bad. An import is a job
 * that is running when first asked about and done the second time. */
function importServer(upload = () => jsonResponse({ id: 'up1', kind: 'registry_import', size: 5120 })) {
  const jobs = {}
  return signedInStaff({
    'POST /uploads': upload,
    RegistryImport: () => ({ data: { registryImport: { report: report(0), errors: [] } } }),
    RegistryImportStart: ({ onlyValidRows }) => {
      const id = `job${Object.keys(jobs).length + 1}`
      jobs[id] = { polls: 0, importedRows: onlyValidRows ? 3 : 0 }
      return { data: { registryImportStart: { job: { id, state: 'QUEUED' }, errors: [] } } }
    },
    StaffJob: ({ id }) => {
      const job = jobs[id]
      job.polls += 1
      const running = { id, kind: 'registry_import', state: 'RUNNING', total: 3, done: 1, result: null, error: null }
      return {
        data: {
          staffJob:
            job.polls === 1 ? running : { ...running, state: 'DONE', done: 3, result: report(job.importedRows) },
        },
      }
    },
  })
}

/** el-upload's own file input, inside the drop area. */
async function chooseFile(name) {
  const input = (await find('import-file')).element.querySelector('input[type=file]')
  Object.defineProperty(input, 'files', { value: [new File(['x'], name)], configurable: true })
  input.dispatchEvent(new Event('change'))
}

const checks = (received) => received.filter((r) => r.operation === 'RegistryImport').map((r) => r.variables)
const starts = (received) => received.filter((r) => r.operation === 'RegistryImportStart').map((r) => r.variables)

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('import', () => {
  it('uploads the chosen workbook and shows the dry-run report with the bad rows', async () => {
    const received = importServer()
    wrapper = await openApp('/import')

    await chooseFile('住户.xlsx')

    await vi.waitFor(async () => expect(await textOf('import-report')).toContain('共 4 行，有效 3 行，错误 1 处'))
    expect(await textOf('import-errors')).toMatch(/5\s*手机号\s*须为 11 位手机号/)
    const upload = received.find((r) => r.url.startsWith('/uploads'))
    expect(upload).toMatchObject({ url: '/uploads?kind=registry_import', method: 'POST', token: 'access-committee' })
    expect(upload.body.get('file').name).toBe('住户.xlsx')
    expect(checks(received)).toEqual([{ communityId: 'c1', uploadId: 'up1', dryRun: true, onlyValidRows: false }])
    expect(starts(received)).toEqual([])
  })

  it('imports everything or only the valid rows as a job, shows its progress, then how many were imported', async () => {
    const received = importServer()
    wrapper = await openApp('/import')
    await chooseFile('住户.xlsx')

    await (await find('import-all')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('import-progress')).toContain('已写入 1 / 3 行'))
    await vi.waitFor(async () => expect(await textOf('imported-rows')).toContain('已导入 0 行'))
    expect(await textOf('imported-rows')).toContain('有错误行时不会导入任何数据')
    expect(all('import-progress')).toHaveLength(0)

    await (await find('import-valid')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('imported-rows')).toContain('已导入 3 行'))

    expect(starts(received)).toEqual([
      { communityId: 'c1', uploadId: 'up1', onlyValidRows: false },
      { communityId: 'c1', uploadId: 'up1', onlyValidRows: true },
    ])
  })

  it('downloads the template with the bearer token', async () => {
    const saved = []
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function () {
      saved.push(this.download)
    })
    const received = signedInStaff({
      'GET /exports/registry-template.xlsx': () => new Response(new Blob(['xlsx']), { status: 200 }),
    })
    wrapper = await openApp('/import')

    await (await find('import-template')).trigger('click')

    await vi.waitFor(() => expect(saved).toEqual(['住户导入模板.xlsx']))
    expect(received.filter((r) => r.url !== '/graphql')).toEqual([
      { url: '/exports/registry-template.xlsx', method: 'GET', body: undefined, token: 'access-committee' },
    ])
  })

  it("shows the upload's refusal and checks nothing", async () => {
    const refusal = { errors: [{ code: 'INVALID_INPUT', field: 'file', message: '请上传 Excel（.xlsx）文件' }] }
    const received = importServer(() => jsonResponse(refusal, 400))
    wrapper = await openApp('/import')

    await chooseFile('photo.jpg')

    await vi.waitFor(async () => expect(await textOf('import-error')).toContain('请上传 Excel（.xlsx）文件'))
    expect(checks(received)).toEqual([])
  })
})
