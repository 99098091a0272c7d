// 我的数据: what Linli holds about me (myDataExport), to read here and to save as a file sent to a
// WeChat chat (文件传输助手, say); and erasing me (注销账号), confirmed with the one-time code the
// server shows, typed back within 10 minutes. Both are one's own: not while acting for a relative.
const { execute, mutate } = require('../../../utils/graphql')
const session = require('../../../utils/session')
const { confirm, toast, wxCall } = require('../../../utils/wxp')
const { whileBusy } = require('../../../utils/busy')
const { formatDateTime } = require('../../../utils/format')
const { elderModeBehavior } = require('../../../utils/elderMode')

const FILE_NAME = '邻里-我的数据.json'

// How many records of each kind the export holds, in words.
const RECORDS = [
  { key: 'memberships', label: '社区身份' },
  { key: 'residences', label: '住址记录' },
  { key: 'applications', label: '入住申请' },
  { key: 'consents', label: '隐私政策同意记录' },
  { key: 'sessions', label: '登录记录' },
  { key: 'history', label: '家人代办记录' },
]

Component({
  behaviors: [elderModeBehavior],

  data: {
    acting: false,
    person: null, // {displayName, phone, idNumber, createdAt}
    records: [],
    erase: null, // {code, expiresAt}: the code to type back
    typedCode: '',
    busy: false,
    error: '',
  },

  methods: {
    onLoad() {
      if (session.getActingFor()) {
        this.setData({ acting: true })
        return Promise.resolve()
      }
      return whileBusy(this, async () => {
        const { myDataExport } = await execute('MyDataExport')
        this.exported = myDataExport
        const { person } = myDataExport
        this.setData({
          person: {
            displayName: person.displayName,
            phone: person.phone || '未登记',
            idNumber: person.idNumber || '未登记',
            createdAt: formatDateTime(person.createdAt),
          },
          records: RECORDS.map(({ key, label }) => ({ key, label, count: (myDataExport[key] || []).length })),
        })
      })
    },

    // The export as a file in the mini-program's own folder, handed to WeChat to send to a chat.
    save() {
      return whileBusy(this, async () => {
        if (typeof wx.shareFileMessage !== 'function') throw new Error('当前微信版本不能发送文件，请升级微信后再试')
        const filePath = `${wx.env.USER_DATA_PATH}/${FILE_NAME}`
        wx.getFileSystemManager().writeFileSync(filePath, JSON.stringify(this.exported, null, 2), 'utf8')
        try {
          await wxCall('shareFileMessage', { filePath, fileName: FILE_NAME })
        } catch {
          return // the user closed the chat picker: nothing was sent
        }
        toast('已发送')
      })
    },

    requestEraseCode() {
      return whileBusy(this, async () => {
        const { code, expiresAt } = await mutate('PrivacyEraseCodeRequest')
        this.setData({ erase: { code, expiresAt: formatDateTime(expiresAt) }, typedCode: '' })
      })
    },

    onCodeInput(event) {
      this.setData({ typedCode: event.detail.value })
    },

    async eraseMe() {
      const content = '注销后，您的姓名、手机号、身份证号和住址将被删除，所有设备退出登录，且无法恢复。'
      if (!(await confirm('确定注销账号？', content, '注销'))) return
      await whileBusy(this, async () => {
        await mutate('PrivacyEraseMe', { code: this.data.typedCode.trim() })
        toast('账号已注销')
        session.endSession()
      })
    },
  },
})
