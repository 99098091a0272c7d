// 服务商入驻: apply, in person, to become a provider serving my community — its name, the categories
// it offers, a contact and phone, and a photo of its licence (营业执照, uploaded as it is chosen).
// The platform reviews it; I become its admin. The server's refusal shows beside the input it names,
// and nothing typed is lost.
const { execute, mutate, upload } = require('../../../utils/graphql')
const session = require('../../../utils/session')
const { whileBusy } = require('../../../utils/busy')
const { toast, wxCall } = require('../../../utils/wxp')
const { formErrors } = require('../../../utils/forms')
const { elderModeBehavior } = require('../../../utils/elderMode')
const { CATEGORY_LABELS } = require('../../provider')

const FIELDS = ['name', 'categories', 'contactName', 'contactPhone', 'licenceUploadId', 'communityIds']

Component({
  behaviors: [elderModeBehavior],

  data: {
    community: null, // {id, name}: the community the provider will serve
    name: '',
    contactName: '',
    contactPhone: '',
    categories: Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label, chosen: false })),
    licence: null, // {path, uploadId}
    errors: {},
    applied: null, // the application sent: {name, state}
    busy: false,
    error: '',
  },

  methods: {
    onLoad(options) {
      // An application is made in person: the server refuses one made for a relative.
      if (session.getActingFor()) return this.setData({ error: '请切换回本人后再申请服务商入驻' })
      return whileBusy(this, async () => {
        const { viewer } = await execute('Viewer')
        const memberships = viewer ? viewer.memberships : []
        const mine = memberships.find((m) => m.community.id === (options && options.communityId)) || memberships[0]
        if (!mine) throw new Error('请先认证住址，再申请服务商入驻')
        this.setData({ community: { id: mine.community.id, name: mine.community.name } })
      })
    },

    onInput(event) {
      const { field } = event.currentTarget.dataset
      this.setData({ [field]: event.detail.value, [`errors.${field}`]: '' })
    },

    toggleCategory(event) {
      const { value } = event.currentTarget.dataset
      this.setData({
        categories: this.data.categories.map((c) => (c.value === value ? { ...c, chosen: !c.chosen } : c)),
        'errors.categories': '',
      })
    },

    // Closing the picker is no error; a failed upload says so beside the licence.
    async chooseLicence() {
      let path
      try {
        const { tempFiles } = await wxCall('chooseMedia', { count: 1, mediaType: ['image'], sizeType: ['compressed'] })
        path = tempFiles[0].tempFilePath
      } catch {
        return
      }
      await whileBusy(this, async () => {
        try {
          this.setData({ licence: { path, uploadId: await upload('provider_licence', path) }, 'errors.licenceUploadId': '' })
        } catch (err) {
          this.setData({ 'errors.licenceUploadId': err.message })
        }
      })
    },

    submit() {
      const { name, contactName, contactPhone, categories, licence, community } = this.data
      if (!licence) return this.setData({ 'errors.licenceUploadId': '请上传营业执照照片' })
      return whileBusy(this, async () => {
        try {
          const { provider } = await mutate('ProviderApply', {
            input: {
              name: name.trim(),
              categories: categories.filter((c) => c.chosen).map((c) => c.value),
              contactName: contactName.trim(),
              contactPhone: contactPhone.trim(),
              licenceUploadId: licence.uploadId,
              communityIds: [community.id],
            },
          })
          this.setData({ applied: { name: provider.name, state: provider.stateLabel }, errors: {} })
          toast('已提交申请')
        } catch (err) {
          this.setData({ errors: formErrors(err, FIELDS) })
        }
      })
    },
  },
})
