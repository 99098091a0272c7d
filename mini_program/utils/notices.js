// Community notices (社区通知) as the pages show them, and the way to one.
const { formatDateTime } = require('./format')

const NOTICE_PAGE = '/notices/pages/notice/index'

// Tags for the Importance enum; NORMAL has none.
const IMPORTANCE_TAGS = {
  IMPORTANT: { label: '重要', className: 'tag-important' },
  URGENT: { label: '紧急', className: 'tag-urgent' },
}

// What a list row and the detail page show of a notice, whatever fields the query asked for.
function noticeView(notice) {
  return {
    id: notice.id,
    title: notice.title,
    category: notice.category,
    time: notice.publishedAt ? formatDateTime(notice.publishedAt) : '',
    importance: IMPORTANCE_TAGS[notice.importance] || null,
    unread: !notice.readAt,
  }
}

function openNotice(id) {
  wx.navigateTo({ url: `${NOTICE_PAGE}?id=${encodeURIComponent(id)}` })
}

module.exports = { NOTICE_PAGE, noticeView, openNotice }
