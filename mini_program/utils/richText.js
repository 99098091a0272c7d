// A notice's body (HTML the server sanitised: paragraphs, lists, tables, links, images) as the
// nodes of a <rich-text>, which shows images only by absolute URL and wider than the phone unless
// told: image paths the server gave relative to itself (/media/public/…) are resolved against
// apiBase, and images are fitted to the screen's width. A rich-text's taps do not reach anything
// inside it, so the phone numbers it mentions are collected to offer as buttons to call.
const { absoluteUrl } = require('./url')

const VOID_TAGS = new Set(['br', 'img'])
const KEPT_ATTRIBUTES = { a: ['href'], img: ['src', 'alt'] } // width and height would overflow
const IMAGE_STYLE = 'max-width:100%;height:auto;display:block;margin:8px 0;'

// A mobile number, a landline with its area code, or a service line (12345, 95xxx, 96xxx), not
// part of a longer run of digits (an ID number, a date).
const PHONE = /(^|[^\d-])(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|12345|9[56]\d{3,4})(?![\d-])/g

function attributesOf(name, source, apiBase) {
  const attrs = {}
  const kept = KEPT_ATTRIBUTES[name] || []
  for (const [, key, value] of source.matchAll(/([a-zA-Z-]+)\s*=\s*"([^"]*)"/g)) {
    if (kept.includes(key)) attrs[key] = value
  }
  if (name === 'img') {
    if (attrs.src) attrs.src = absoluteUrl(attrs.src, apiBase)
    attrs.style = IMAGE_STYLE
  }
  return attrs
}

const decodeEntities = (text) => text
  .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
  .replace(/&#39;/g, "'").replace(/&amp;/g, '&')

// {nodes, phones}: the rich-text nodes, and each phone number mentioned once, in order.
function noticeBody(html, apiBase) {
  const root = { children: [] }
  const open = [root]
  const phones = []
  const mention = (number) => {
    if (!phones.includes(number)) phones.push(number)
  }
  for (const [, closing, name, attrs, text] of html.matchAll(/<(\/?)([a-zA-Z0-9]+)([^>]*)>|([^<]+)/g)) {
    const parent = open[open.length - 1]
    if (text !== undefined) {
      parent.children.push({ type: 'text', text })
      for (const [, , number] of decodeEntities(text).matchAll(PHONE)) mention(number)
      continue
    }
    const tag = name.toLowerCase()
    if (closing) {
      const at = open.map((n) => n.name).lastIndexOf(tag)
      if (at > 0) open.length = at // closes it and anything left open inside
      continue
    }
    const node = { name: tag, attrs: attributesOf(tag, attrs, apiBase), children: [] }
    parent.children.push(node)
    if (tag === 'a' && /^tel:/i.test(node.attrs.href || '')) mention(node.attrs.href.slice(4).trim())
    if (!VOID_TAGS.has(tag) && !attrs.trim().endsWith('/')) open.push(node)
  }
  return { nodes: root.children, phones }
}

module.exports = { noticeBody }
