// The subscription documents the live socket (utils/live.js) sends as text. In production the
// server runs only trusted documents, recognised by the sha256 of their text, so each must be
// byte-identical to its file in graphql_schema/operations/mini_program (tests/live.test.js checks).
module.exports = {
  UnreadNoticeCount: 'subscription UnreadNoticeCount {\n  unreadNoticeCount\n}\n',
  MarketMessages: 'subscription MarketMessages($conversationId: ID!) {\n  marketMessages(conversationId: $conversationId) {\n    id\n    conversationId\n    body\n    mine\n    senderName\n    createdAt\n  }\n}\n',
  ProviderOrderUpdated: 'subscription ProviderOrderUpdated($orderId: ID!) {\n  serviceOrderUpdated(orderId: $orderId) {\n    id\n    state\n  }\n}\n',
}
