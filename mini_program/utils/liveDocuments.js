// The subscription documents the live socket (utils/live.js) sends as text. In production the
// server runs only trusted documents, recognised by the sha256 of their text, so each must be
// byte-identical to its file in graphql_schema/operations/mini_program followed by the shared
// fragments it spreads, as backend/api/contract.py composes it (tests/live.test.js checks).
const SERVICE_ORDER_FIELDS = 'fragment ServiceOrderFields on ServiceOrder {\n  id\n  state\n  stateLabel\n  category\n  categoryLabel\n  provider { id name }\n  service { id name unit }\n  scheduledAt\n  fulfilment\n  note\n  lines { description unitPriceFen quantity amountFen payers { kind tier amountFen } }\n  amountFen\n  residentFen\n  subsidyFen\n  refundedFen\n  commissionFen\n  cancellationTiers { hoursBefore feeBp }\n  cancellationFeeNowFen\n  worker { id name }\n  checkedInAt\n  checkInPhotoUrl\n  completedAt\n  confirmBy\n  acceptBy\n  payBy\n  gateway\n  events { toState label at reason }\n  rating { stars comment }\n  dispute { reason outcome refundFen decisionNote decidedAt createdAt }\n  actions\n}\n'

module.exports = {
  UnreadNoticeCount: 'subscription UnreadNoticeCount {\n  unreadNoticeCount\n}\n',
  MarketMessages: 'subscription MarketMessages($conversationId: ID!) {\n  marketMessages(conversationId: $conversationId) {\n    id\n    conversationId\n    body\n    mine\n    senderName\n    createdAt\n  }\n}\n',
  ProviderOrderUpdated: 'subscription ProviderOrderUpdated($orderId: ID!) {\n  serviceOrderUpdated(orderId: $orderId) {\n    id\n    state\n  }\n}\n',
  ServiceOrderUpdated: `subscription ServiceOrderUpdated($orderId: ID!) {\n  serviceOrderUpdated(orderId: $orderId) { ...ServiceOrderFields }\n}\n\n${SERVICE_ORDER_FIELDS}`,
}
