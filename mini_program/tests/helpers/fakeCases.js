// The cases part of the fake backend (./fakeBackend.js): a community's categories, common areas,
// buildings and rooms (the registry's directory), and cases under the server's rules and with its
// Chinese refusals (backend/cases/service.py): raising (text 1–1000 characters, a category of the
// community, exactly one place, a room only one's own home, at most 9 photos), 我也遇到 on the open
// cases of others, answering, 催办 once a day, and confirming a resolved case once (1–5 stars, a
// reason when partly or not resolved, which reopens it). The handlers' side is played by the test:
// `accept`, `reply`, `note`, `ask`, `resolve`. Residents get the public entries only; `staffView(id)`
// makes the Case answer carry the internal ones too, as the server answers staff (CASE_HANDLE).
const COMMUNITY = { id: 'c-1', name: '阳光社区' }
const HANDLER = '网格员 小陈'
const CATEGORIES = [
  { id: 'cat-repair', name: '报修', party: 'GRID', acceptHours: 4, resolveHours: 24, active: true },
  { id: 'cat-property', name: '物业服务', party: 'PROPERTY', acceptHours: 8, resolveHours: 72, active: true },
]
const AREAS = [{ id: 'area-gate', name: '小区东门', gridId: 'g-1' }]
const BUILDINGS = [{ id: 'b-1', name: '1栋', estateName: '阳光花园' }, { id: 'b-2', name: '2栋', estateName: '阳光花园' }]
// Per building, its rooms: unit u-1 with 101 (the viewer's home, p-2's is 102) and 102, unit u-2 with 201.
const ROOMS = {
  'b-1': [
    { unitId: 'u-1', unitName: '1单元', room: { id: 'r-101', code: 'YG-1-1-101', number: '101' } },
    { unitId: 'u-1', unitName: '1单元', room: { id: 'r-102', code: 'YG-1-1-102', number: '102' } },
    { unitId: 'u-2', unitName: '2单元', room: { id: 'r-201', code: 'YG-1-2-201', number: '201' } },
  ],
  'b-2': [],
}
const OPEN = ['SUBMITTED', 'ACCEPTED', 'IN_PROGRESS']
const OUTCOME_NAMES = { RESOLVED: '已解决', PARTLY: '部分解决', NOT_RESOLVED: '未解决' }

const userError = (code, field, message) => ({ code, field, message })

function fakeCases({ paginate, names, homes }) {
  const cases = [] // newest first
  let serial = 0
  let minutes = 0
  // Every write a minute after the one before, so the timeline has an order to show.
  const tick = () => {
    minutes += 1
    return new Date(Date.UTC(2026, 10, 5, 2, minutes)).toISOString()
  }

  const find = (id) => cases.find((c) => c.id === id)
  const reaches = (c, person) => c.resident === person || c.followers.has(person)
  const refuse = (payloadKey, code, field, message) => ({ [payloadKey]: null, errors: [userError(code, field, message)] })

  function placeOf({ roomId, unitId, buildingId, areaId }) {
    const given = [roomId, unitId, buildingId, areaId].filter((v) => v !== undefined && v !== null)
    if (given.length !== 1) return { error: '请选择一个地点：房屋、单元、楼栋或公共区域' }
    if (areaId) {
      const area = AREAS.find((a) => a.id === areaId)
      return area ? { name: area.name, common: true } : { error: '找不到该地点' }
    }
    for (const building of BUILDINGS) {
      const label = `${building.estateName} ${building.name}`
      if (building.id === buildingId) return { name: label, common: true }
      for (const r of ROOMS[building.id]) {
        if (r.unitId === unitId) return { name: `${label} ${r.unitName}`, common: true }
        if (r.room.id === roomId) return { name: `${label} ${r.unitName} ${r.room.number}`, roomId }
      }
    }
    return { error: '找不到该地点' }
  }

  // A case as the Case fragment (graphql_schema/operations/mini_program/fragments/CaseFields) has it.
  function fields(c) {
    const category = CATEGORIES.find((k) => k.id === c.categoryId)
    return {
      id: c.id,
      state: c.state,
      category: { id: category.id, name: category.name, party: category.party },
      text: c.text,
      placeName: c.placeName,
      channel: 'MINI_PROGRAM',
      party: category.party,
      handlerName: c.handlerName,
      photos: c.photos.map((id) => `/media/${id}?expires=1&sig=s`),
      acceptDueAt: c.acceptDueAt,
      resolveDueAt: c.resolveDueAt,
      dueAt: OPEN.includes(c.state) ? (c.state === 'SUBMITTED' ? c.acceptDueAt : c.resolveDueAt) : null,
      overdue: c.overdue,
      waitingForResident: c.waiting,
      escalatedAt: null,
      acceptedAt: c.acceptedAt,
      resolvedAt: c.resolvedAt,
      resolution: c.resolution,
      referredTo: null,
      mergedIntoId: null,
      confirmedAt: c.confirmedAt,
      urgedToday: c.urgedToday,
      createdAt: c.createdAt,
    }
  }

  function move(c, toState, { actorName = HANDLER, actingForName = null, reason = null } = {}) {
    c.events.push({ fromState: c.state, toState, actorName, actingForName, reason, at: tick() })
    c.state = toState
  }

  function addEntry(c, kind, body, { internal = false, authorName = HANDLER, actingForName = null } = {}) {
    serial += 1
    const entry = { id: `entry-${serial}`, kind, internal, body, authorName, actingForName, at: tick() }
    c.entries.push(entry)
    return entry
  }

  // Who acts, as the timeline names them: the signed-in person, and for whom when acting.
  const actorOf = ({ actingFor, viewerId }) => ({
    authorName: names[viewerId],
    actingForName: actingFor ? names[actingFor] : null,
  })

  function raise({ communityId, input }, { person, actingFor, viewerId }) {
    const text = (input.text || '').trim()
    if (text.length < 1 || text.length > 1000) return refuse('case', 'INVALID_INPUT', 'text', '请填写问题描述（1–1000 个字）')
    const category = CATEGORIES.find((k) => k.id === input.categoryId)
    if (communityId !== COMMUNITY.id || !category) return refuse('case', 'NOT_FOUND', 'categoryId', '找不到该分类')
    const place = placeOf(input.place || {})
    if (place.error) return refuse('case', place.error.startsWith('请') ? 'INVALID_INPUT' : 'NOT_FOUND', 'place', place.error)
    if (place.roomId && homes[person] !== place.roomId) {
      return refuse('case', 'NOT_FOUND', 'place', '只能选择自己的房屋，或所在的单元、楼栋、公共区域')
    }
    const photos = input.photos || []
    if (photos.length > 9) return refuse('case', 'INVALID_INPUT', 'photos', '最多上传 9 张照片')
    serial += 1
    const at = tick()
    const c = {
      id: `case-${serial}`, resident: person, raisedBy: viewerId, actingFor, followers: new Set(), state: 'SUBMITTED',
      categoryId: category.id, text, placeName: place.name, common: !!place.common, photos: [...new Set(photos)],
      handlerName: null, acceptDueAt: '2026-11-05T06:00:00+00:00', resolveDueAt: '2026-11-06T02:00:00+00:00',
      overdue: false, waiting: false, acceptedAt: null, resolvedAt: null, resolution: null, confirmedAt: null,
      urgedToday: false, round: 1, createdAt: at, events: [], entries: [], confirmations: [],
    }
    addEntry(c, 'ASSIGN', `按分类「${category.name}」分派`, { internal: true, authorName: null })
    cases.unshift(c)
    return { case: fields(c), errors: [] }
  }

  function detail({ id }, { person }) {
    const c = find(id)
    if (!c || !(reaches(c, person) || c.staffView)) return null
    return {
      case: fields(c),
      events: c.events.map((e) => ({ ...e })),
      entries: c.entries.filter((e) => c.staffView || !e.internal).map((e) => ({ ...e })),
      confirmations: c.confirmations.map((k) => ({ ...k })),
      followers: c.followers.size,
      mine: c.resident === person,
    }
  }

  function follow({ id }, { person }) {
    const c = find(id)
    const notFound = { ok: false, errors: [userError('NOT_FOUND', null, '找不到该诉求')] }
    if (!c || !c.common) return notFound
    if (c.resident === person) return { ok: false, errors: [userError('INVALID_INPUT', null, '这是您自己提出的诉求')] }
    if (!OPEN.includes(c.state)) return { ok: false, errors: [userError('INVALID_INPUT', null, '诉求已办结，不能再关注')] }
    if (c.followers.has(person)) return { ok: false, errors: [userError('INVALID_INPUT', null, '您已经关注了这条诉求')] }
    c.followers.add(person)
    return { ok: true, errors: [] }
  }

  function answer({ id, body }, who) {
    const c = find(id)
    if (!c || c.resident !== who.person) return refuse('entry', 'NOT_FOUND', null, '找不到该诉求')
    const text = (body || '').trim()
    if (text.length < 1 || text.length > 500) return refuse('entry', 'INVALID_INPUT', 'body', '请填写回复内容（1–500 个字）')
    if (!OPEN.includes(c.state)) return refuse('entry', 'INVALID_INPUT', null, '诉求已办结，如有问题请在确认时说明')
    c.waiting = false
    return { entry: addEntry(c, 'ANSWER', text, actorOf(who)), errors: [] }
  }

  function urge({ id }, who) {
    const c = find(id)
    if (!c || !reaches(c, who.person)) return refuse('case', 'NOT_FOUND', null, '找不到该诉求')
    if (!OPEN.includes(c.state)) return refuse('case', 'INVALID_INPUT', null, '诉求已办结，无需催办')
    if (c.urgedToday) return refuse('case', 'RATE_LIMITED', null, '今天已经催办过了，请明天再试')
    c.urgedToday = true
    addEntry(c, 'URGE', '居民催办', actorOf(who))
    return { case: fields(c), errors: [] }
  }

  function confirm({ id, input }, who) {
    const { outcome, rating, comment = '', reason = null } = input
    if (!OUTCOME_NAMES[outcome]) return refuse('case', 'INVALID_INPUT', 'outcome', '请选择：已解决、部分解决或未解决')
    if (!(rating >= 1 && rating <= 5)) return refuse('case', 'INVALID_INPUT', 'rating', '评分须为 1–5 星')
    const reopen = outcome !== 'RESOLVED'
    const why = (reason || '').trim()
    if (reopen && (why.length < 2 || why.length > 500)) {
      return refuse('case', 'INVALID_INPUT', 'reason', '请填写未解决的原因（2–500 个字）')
    }
    const c = find(id)
    if (!c || c.resident !== who.person) return refuse('case', 'NOT_FOUND', null, '找不到该诉求')
    if (c.state !== 'RESOLVED') return refuse('case', 'INVALID_INPUT', null, '诉求尚未办结，不能评价')
    if (c.confirmedAt) return refuse('case', 'INVALID_INPUT', null, '您已经评价过这条诉求')
    const at = tick()
    c.confirmations.push({ round: c.round, outcome, rating, comment: comment.trim(), at })
    addEntry(c, 'CONFIRM', `${OUTCOME_NAMES[outcome]}，${rating} 星${comment.trim() ? `：${comment.trim()}` : ''}`, actorOf(who))
    if (reopen) {
      c.round += 1
      c.resolvedAt = null
      const { authorName, actingForName } = actorOf(who)
      move(c, 'IN_PROGRESS', { actorName: authorName, actingForName, reason: why })
    } else {
      c.confirmedAt = at
    }
    return { case: fields(c), errors: [] }
  }

  function nearby({ communityId, categoryId = null, first, after }, { person }) {
    const open = cases.filter((c) => communityId === COMMUNITY.id && c.common && OPEN.includes(c.state) &&
      c.resident !== person && (!categoryId || c.categoryId === categoryId))
    const page = paginate(open, first, after)
    return { casesNearby: { nodes: page.nodes.map(fields), pageInfo: page.pageInfo } }
  }

  function mine({ first, after }, { person }) {
    const page = paginate(cases.filter((c) => reaches(c, person)), first, after)
    return { myCases: { nodes: page.nodes.map(fields), pageInfo: page.pageInfo } }
  }

  const operations = {
    CaseCategories: () => ({ caseCategories: CATEGORIES.map((k) => ({ ...k })) }),
    CaseCommonAreas: () => ({ caseCommonAreas: AREAS.map((a) => ({ ...a })) }),
    DirectoryBuildings: () => ({ directoryBuildings: BUILDINGS.map((b) => ({ ...b })) }),
    DirectoryRooms: ({ buildingId }) => ({ directoryRooms: (ROOMS[buildingId] || []).map((r) => ({ ...r })) }),
    CasesNearby: nearby,
    MyCases: mine,
    Case: (variables, who) => ({ case: detail(variables, who) }),
    CaseRaise: (variables, who) => ({ caseRaise: raise(variables, who) }),
    CaseFollow: (variables, who) => ({ caseFollow: follow(variables, who) }),
    CaseAnswer: (variables, who) => ({ caseAnswer: answer(variables, who) }),
    CaseUrge: (variables, who) => ({ caseUrge: urge(variables, who) }),
    CaseConfirm: (variables, who) => ({ caseConfirm: confirm(variables, who) }),
  }

  // A case someone else raised (a neighbour, or the viewer on another phone), straight into the store.
  function addCase({ resident, categoryId = 'cat-repair', text, placeName = '阳光花园 1栋 1单元', common = true, ...rest }) {
    serial += 1
    const c = {
      id: `case-${serial}`, resident, raisedBy: resident, actingFor: null, followers: new Set(), state: 'SUBMITTED',
      categoryId, text, placeName, common, photos: [], handlerName: null, acceptDueAt: '2026-11-05T06:00:00+00:00',
      resolveDueAt: '2026-11-06T02:00:00+00:00', overdue: false, waiting: false, acceptedAt: null, resolvedAt: null,
      resolution: null, confirmedAt: null, urgedToday: false, round: 1, createdAt: tick(), events: [], entries: [],
      confirmations: [], ...rest,
    }
    cases.unshift(c)
    return c
  }

  return {
    COMMUNITY, CATEGORIES, AREAS, BUILDINGS, ROOMS, HANDLER,
    operations,
    addCase,
    cases: () => cases,
    get: find,
    // The handlers' side, as the console would do it.
    accept: (id) => {
      const c = find(id)
      c.handlerName = HANDLER
      c.acceptedAt = tick()
      move(c, 'ACCEPTED')
    },
    reply: (id, body) => addEntry(find(id), 'REPLY', body),
    note: (id, body) => addEntry(find(id), 'NOTE', body, { internal: true }),
    ask: (id, question) => {
      find(id).waiting = true
      return addEntry(find(id), 'QUESTION', question)
    },
    resolve: (id, note) => {
      const c = find(id)
      c.resolution = note
      c.resolvedAt = tick()
      move(c, 'RESOLVED', { reason: note })
    },
    staffView: (id) => { find(id).staffView = true },
    nextDay: () => cases.forEach((c) => { c.urgedToday = false }),
  }
}

module.exports = { fakeCases }
