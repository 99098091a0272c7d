import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jsonResponse } from './fakeServer'
import { chooseFiles, find, openApp, signedInStaff, textOf } from './ui'

const badPhone = { row: 5, column: '手机号', message: '须为 11 位手机号' }

/** Uploads are answered by `upload`; the workbook has 4 rows, row 5 of them bad. */
function importServer(upload = () => jsonResponse({ id: 'up1', kind: 'registry_import', size: 5120 })) {
  return signedInStaff({
    'POST /uploads': upload,
    RegistryImport: ({ dryRun, onlyValidRows }) => ({
      data: {
        registryImport: {
          report: { totalRows: 4, validRows: 3, importedRows: !dryRun && onlyValidRows ? 3 : 0, errors: [badPhone] },
          errors: [],
        },
      },
    }),
  })
}

const chooseFile = (name) => chooseFiles('import-file', name)

const imports = (received) => received.filter((r) => r.operation === 'RegistryImport').map((r) => r.variables)

let wrapper
beforeEach(() => localStorage.clear())
afterEach(() => {
  wrapper?.unmount()
  vi.unstubAllGlobals()
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
    expect(imports(received)).toEqual([{ communityId: 'c1', uploadId: 'up1', dryRun: true, onlyValidRows: false }])
  })

  it('imports everything or only the valid rows, and shows how many were imported', async () => {
    const received = importServer()
    wrapper = await openApp('/import')
    await chooseFile('住户.xlsx')

    await (await find('import-all')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('imported-rows')).toContain('已导入 0 行'))
    expect(await textOf('imported-rows')).toContain('有错误行时不会导入任何数据')

    await (await find('import-valid')).trigger('click')
    await vi.waitFor(async () => expect(await textOf('imported-rows')).toContain('已导入 3 行'))

    expect(imports(received).slice(1)).toEqual([
      { communityId: 'c1', uploadId: 'up1', dryRun: false, onlyValidRows: false },
      { communityId: 'c1', uploadId: 'up1', dryRun: false, onlyValidRows: true },
    ])
  })

  it("shows the upload's refusal and checks nothing", async () => {
    const refusal = { errors: [{ code: 'INVALID_INPUT', field: 'file', message: '请上传 Excel（.xlsx）文件' }] }
    const received = importServer(() => jsonResponse(refusal, 400))
    wrapper = await openApp('/import')

    await chooseFile('photo.jpg')

    await vi.waitFor(async () => expect(await textOf('import-error')).toContain('请上传 Excel（.xlsx）文件'))
    expect(imports(received)).toEqual([])
  })
})
