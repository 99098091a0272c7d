"""The audit log in words staff read: one Chinese name per action and per kind of object. A test
fails when code records an action that has no name here."""

ACTION_LABELS = {
    "ballot.home_visit": "录入入户投票",
    "case.area_create": "新增公共区域",
    "case.assign": "改派诉求",
    "case.category_create": "新增诉求类别",
    "case.category_update": "修改诉求类别",
    "case.confirm": "确认诉求办理结果",
    "case.follow": "关注诉求（我也遇到）",
    "case.merge": "合并重复诉求",
    "case.raise": "提交诉求",
    "case.settings_update": "修改诉求办理规则",
    "case.template_create": "新增回复模板",
    "case.template_delete": "删除回复模板",
    "case.urge": "催办诉求",
    "ballot.paper": "录入纸质选票",
    "ballot.proxy": "代为投票",
    "grid.assign_building": "楼栋划入网格",
    "grid.assign_worker": "指派网格员",
    "household.invite": "邀请家庭成员",
    "household.join": "加入家庭",
    "inbox.read": "阅读消息",
    "notice.acknowledge": "确认通知",
    "notice.archive": "归档通知",
    "notice.create": "新建通知",
    "notice.publish": "发布通知",
    "notice.read": "阅读通知",
    "notice.reached_offline": "线下告知",
    "notice.unschedule": "取消定时发布",
    "notice.update": "修改通知",
    "notify.settings_update": "修改消息设置",
    "person.erase": "注销个人信息",
    "poll.authorisation": "登记投票委托",
    "poll.close": "结束投票",
    "poll.create": "新建投票",
    "poll.open": "开始投票",
    "poll.publish": "公示投票结果",
    "poll.schedule": "定时开始投票",
    "poll.tighten": "收紧投票保密或公布方式",
    "poll.unschedule": "取消定时投票",
    "poll.update": "修改投票",
    "proxy.grant": "授权代办",
    "proxy.record": "登记代办",
    "proxy.revoke": "撤销代办",
    "registry.import": "导入住户",
    "residence.apply": "申请认证住址",
    "residence.approve": "通过住址认证",
    "residence.move_out": "迁出",
    "residence.reject": "驳回住址认证",
    "resident.update": "修改住户信息",
    "session.revoke": "结束登录",
}

TARGET_LABELS = {
    "auth_session": "登录设备",
    "building": "楼栋",
    "case": "诉求",
    "case_category": "诉求类别",
    "case_common_area": "公共区域",
    "case_reply_template": "回复模板",
    "community": "社区",
    "grid": "网格",
    "household": "家庭",
    "inbox_message": "消息",
    "notice": "通知",
    "person": "居民",
    "person_room": "住址",
    "poll": "投票",
    "proxy": "代办授权",
    "residence_application": "认证申请",
    "room": "房屋",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def target_label(target_type: str) -> str:
    return TARGET_LABELS.get(target_type, target_type)
