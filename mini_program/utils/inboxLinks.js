// What an inbox message points at. Domains that notify about one of their things put a reference
// in the body ("<kind>:<id>", as backend/notify is told); the inbox shows a link to its page
// instead of the reference. Other messages say all they have to say in their body.
const { NOTICE_PAGE } = require('./notices')

const PAGES = {
  notice: { url: NOTICE_PAGE, label: '查看通知' },
  poll: { url: '/voting/pages/poll/index', label: '查看投票' },
  case: { url: '/cases/pages/case/index', label: '查看诉求' },
  topic: { url: '/cases/pages/topic/index', label: '查看议题' },
}

// { url, label } of the page a message announces, or null when its body is the message itself.
function messageLink(message) {
  const page = PAGES[message.kind]
  const prefix = `${message.kind}:`
  if (!page || !message.body.startsWith(prefix)) return null
  const id = message.body.slice(prefix.length)
  return { url: `${page.url}?id=${encodeURIComponent(id)}`, label: page.label }
}

module.exports = { messageLink }
