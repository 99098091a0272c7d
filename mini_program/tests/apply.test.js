const { installWx, until, PICKED_PHOTO } = require('./helpers/wx')
const { fakeBackend } = require('./helpers/fakeBackend')
const { openPage, textOf, choose } = require('./helpers/pages')
const tokenStore = require('../utils/tokenStore')

let backend

beforeEach(() => {
  backend = fakeBackend()
  installWx(backend.serve)
  tokenStore.setTokens(backend.issueTokens())
  backend.answer('DirectoryCommunities', () => ({
    directoryCommunities: [{ id: 'c-1', name: '阳光社区' }, { id: 'c-2', name: '幸福社区' }],
  }))
  backend.answer('DirectoryBuildings', () => ({
    directoryBuildings: [{ id: 'b-1', name: '1栋', estateName: '阳光花园' }],
  }))
  backend.answer('DirectoryRooms', () => ({
    directoryRooms: [
      { unitName: '1单元', room: { code: 'YG-1-1-101', number: '101' } },
      { unitName: '1单元', room: { code: 'YG-1-1-102', number: '102' } },
    ],
  }))
  backend.answer('ResidenceApply', () => ({ residenceApply: { application: { id: 'a-1', status: 'PENDING' }, errors: [] } }))
})

// Chooses 阳光社区 › 阳光花园 1栋 › 1单元 102 as a 租户, waiting for each list to arrive.
async function chooseRoom() {
  const page = await openPage('apply')
  choose(page, '.communities', '阳光社区')
  await until(() => expect(page.querySelector('.buildings')).toBeDefined())
  choose(page, '.buildings', '阳光花园 1栋')
  await until(() => expect(page.querySelector('.rooms')).toBeDefined())
  choose(page, '.rooms', '1单元 102')
  await until(() => expect(page.querySelector('.roles')).toBeDefined())
  choose(page, '.roles', '租户')
  return page
}

function submit(page) {
  page.querySelector('.submit').dispatchEvent('tap')
  return until(() => expect(backend.operations()).toContain('ResidenceApply'))
}

test("the chosen room's code and the role are sent, and the page says it awaits review", async () => {
  const page = await chooseRoom()

  await submit(page)

  expect(backend.calls.at(-1).variables).toEqual({ communityId: 'c-1', roomCode: 'YG-1-1-102', role: 'TENANT', proofUploadId: null })
  await until(() => expect(textOf(page.querySelector('.done'))).toContain('已提交，等待居委会审核'))
  expect(backend.calls.find((c) => c.operationName === 'DirectoryRooms').variables).toEqual({ buildingId: 'b-1' })
})

test('the proof photo is uploaded and its id passed as proofUploadId', async () => {
  const page = await chooseRoom()

  page.querySelector('.choose-photo').dispatchEvent('tap')
  await until(() => expect(page.querySelector('.proof')).toBeDefined())
  await submit(page)

  const uploadCall = backend.calls.find((c) => c.upload)
  expect(uploadCall).toMatchObject({
    url: 'http://linli.test/uploads?kind=proof_photo',
    upload: { name: 'file', filePath: PICKED_PHOTO },
    authorization: 'Bearer access-1',
  })
  expect(backend.calls.at(-1).variables).toMatchObject({ roomCode: 'YG-1-1-102', proofUploadId: 'upload-1' })
})

test("the server's refusal is shown", async () => {
  backend.answer('ResidenceApply', () => ({
    residenceApply: { application: null, errors: [{ code: 'INVALID_INPUT', field: 'roomCode', message: '已有一份待审核的申请' }] },
  }))
  const page = await chooseRoom()

  await submit(page)

  await until(() => expect(page.querySelector('.error').dom.textContent).toBe('已有一份待审核的申请'))
  expect(page.querySelector('.done')).toBeUndefined()
})
