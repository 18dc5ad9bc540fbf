"""Timeline texts and broken wishes as stored before keys, with the key migration 0029 gives
each and the wording the pages gave them through web/timeline.py's regular expressions (the
fallback the migration replaced), for tests/service/test_keyed_history_migration.py. Where
the keyed wording deliberately differs (groups by their labels, "asked to work") the line
above says what the fallback showed; and an entry whose kind's label, shown before it, says
its verb ("Acknowledged", "Reply", "Broadcast") no longer says it again ("by 杨帆 via …")."""

#: (stored text, key, Chinese, English): every phrase the fallback knew, and some it did not
TIMELINE: list[tuple[str, str, str, str]] = [
    (
        "opened: I special_equipment — plan special_equipment-I",
        "opened",
        "I级 · 特别重大，特种设备 — 预案：特种设备 I级",
        "I · particularly serious, Special equipment — plan Special equipment, level I",
    ),
    (
        "opened: III food_safety — plan 食品安全重大事件预案",
        "opened",
        "III级 · 较大，食品安全 — 预案：食品安全重大事件预案",
        "III · relatively serious, Food safety — plan 食品安全重大事件预案",
    ),
    (
        "step 1 round 1 started (on duty: duty_officer): person 6, person 7",
        "step_started",
        "第 1 步第 1 轮开始（值班：值班员）：杨帆、陈静",
        "step 1 round 1 started (on duty: Duty officer): 杨帆, 陈静",
    ),
    (
        "step 2 round 1 started (on duty: duty_backup): person 7",
        "step_started",
        "第 2 步第 1 轮开始（值班：备班值班员）：陈静",
        "step 2 round 1 started (on duty: Backup duty officer): 陈静",
    ),
    (
        "step 3 round 1 started (on duty: expert/food): person 6",
        "step_started",
        "第 3 步第 1 轮开始（值班：食品安全专家）：杨帆",
        "step 3 round 1 started (on duty: Food safety expert): 杨帆",
    ),
    (
        "step 3 round 1 started (on duty: expert/ip, on duty: expert): person 7",
        "step_started",
        "第 3 步第 1 轮开始（值班：ip专家、值班：值守专家）：陈静",
        "step 3 round 1 started (on duty: ip expert, on duty: On-call expert): 陈静",
    ),
    # a group is named by its label as on entries written since keys (the fallback said
    # "leaders 群" / "group leaders"; a group without a label is its code)
    (
        "step 4 round 2 started (group leaders, person 7): groups only",
        "step_started",
        "第 4 步第 2 轮开始（leaders、陈静）：仅群组",
        "step 4 round 2 started (leaders, 陈静): groups only",
    ),
    (
        "step 2: sms to 杨帆 (+8613800000006)",
        "paged",
        "第 2 步：短信发给 杨帆（+8613800000006）",
        "step 2: SMS to 杨帆 (+8613800000006)",
    ),
    # the fallback: "群发到 leadership 群", "broadcast to group leadership"
    (
        "broadcast to group leadership",
        "broadcast",
        "领导群",
        "to Leadership group",
    ),
    (
        "step 1: no acknowledgement, round 2",
        "step_repeat",
        "第 1 步无人确认，第 2 轮",
        "step 1: no acknowledgement, round 2",
    ),
    (
        "step 1: no acknowledgement, climbing",
        "step_climbing",
        "第 1 步无人确认，进入下一步",
        "step 1: no acknowledgement, climbing to the next step",
    ),
    (
        "last step 3: no acknowledgement, re-paging (round 2)",
        "last_step_repeat",
        "最后一步（第 3 步）无人确认，再次呼叫（第 2 轮）",
        "last step 3: no acknowledgement, paging again (round 2)",
    ),
    (
        "step 4 (on duty: leader/special_equipment) resolved to nobody: climbing at once",
        "step_nobody",
        "第 4 步（值班：带班领导（special_equipment））找不到人员：立即进入下一步",
        "step 4 (on duty: Leader on duty (special_equipment)) found nobody: climbing at once",
    ),
    (
        (
            "step 3 (on duty: expert/food) resolved to nobody and is the last step: trying again "
            "in 10 min"
        ),
        "last_step_nobody",
        "最后一步（第 3 步，值班：食品安全专家）找不到人员：10 分钟后重试",
        "last step 3 (on duty: Food safety expert) found nobody: trying again in 10 min",
    ),
    (
        "acknowledged by coordinator via api; escalation stopped",
        "acknowledged",
        "coordinator 通过页面或接口确认接警，升级停止",
        "by coordinator via the page or API; escalation stopped",
    ),
    (
        "acknowledged by person:6 via sms; escalation stopped",
        "acknowledged",
        "杨帆 通过短信回复确认接警，升级停止",
        "by 杨帆 via SMS reply; escalation stopped",
    ),
    (
        "acknowledged by person:6 (outbox reply by coord) via outbox; escalation stopped",
        "acknowledged",
        "杨帆（coord 在发件箱代为回复） 通过发件箱代回复确认接警，升级停止",
        "by 杨帆 (outbox reply by coord) via reply in the outbox; escalation stopped",
    ),
    (
        "acknowledged by person 6 via sms at 2026-12-06T02:00:00+00:00",
        "person_acknowledged",
        "杨帆 通过短信回复确认接警",
        "acknowledged by 杨帆 via SMS reply",
    ),
    (
        "resolved by person 7 at 2026-12-06T03:00:00+00:00",
        "person_resolved",
        "陈静 办结",
        "resolved by 陈静",
    ),
    ("resolved by coordinator", "resolved", "coordinator", "by coordinator"),
    ("resolved by person:6", "resolved", "杨帆", "by 杨帆"),
    (
        (
            "reply from +8613800000006: 3080 确认 — refused: person 7, not paged for this "
            "incident; escalation continues"
        ),
        "reply_refused",
        "短信 +8613800000006：3080 确认 — 已拒绝：陈静 未接到本事件的通知，升级继续",
        (
            "from +8613800000006: 3080 确认 — refused: 陈静 was not paged for this incident; "
            "escalation continues"
        ),
    ),
    (
        (
            "reply from +8613900000009: 3080 确认 — refused: an unknown sender, not paged for this "
            "incident; escalation continues"
        ),
        "reply_refused",
        "短信 +8613900000009：3080 确认 — 已拒绝：未知号码 未接到本事件的通知，升级继续",
        (
            "from +8613900000009: 3080 确认 — refused: an unknown sender was not paged for "
            "this incident; escalation continues"
        ),
    ),
    (
        "reply from +8613800000007: 3080 确认 — already acknowledged by person:6; nothing changed",
        "reply_already_acknowledged",
        "短信 +8613800000007：3080 确认 — 已由 杨帆 确认，未作处理",
        "from +8613800000007: 3080 确认 — already acknowledged by 杨帆; nothing changed",
    ),
    (
        "reply from +8613800000006: 3080 好 — not understood; nothing changed",
        "reply_not_understood",
        "短信 +8613800000006：3080 好 — 未能识别，未作处理",
        "from +8613800000006: 3080 好 — not understood; nothing changed",
    ),
    (
        "reply from +8613800000006: 3080 确认",
        "reply",
        "短信 +8613800000006：3080 确认",
        "from +8613800000006: 3080 确认",
    ),
    (
        "initial report to 市局应急值班室 by phone",
        "reported",
        "初报报送 市局应急值班室，方式：电话",
        "Initial report to 市局应急值班室 (Phone)",
    ),
    (
        "written report to 市局 by fax, made at 2026-12-06 10:30 +0800: 已控制",
        "reported",
        "书面报告报送 市局，方式：传真，报告时间 2026-12-06 10:30：已控制",
        "Written report to 市局 (Fax), made at 2026-12-06 10:30: 已控制",
    ),
    (
        (
            "written report to 市局应急值班室 by written (also recorded as the initial report) "
            "(TZ50 Art. 10 items still missing: direct_loss_yuan, measures_taken)"
        ),
        "reported",
        (
            "书面报告报送 市局应急值班室，方式：书面（同时记为初报）（事故报告尚缺：初步估计的直接"
            "经济损失、已采取的措施）"
        ),
        (
            "Written report to 市局应急值班室 (In writing) (also recorded as the initial report) "
            "(report items still missing: estimated direct loss, measures taken)"
        ),
    ),
    (
        (
            "initial report to 市局 by phone: 已到场 (TZ50 Art. 10 items still missing: "
            "direct_loss_yuan)"
        ),
        "reported",
        "初报报送 市局，方式：电话：已到场（事故报告尚缺：初步估计的直接经济损失）",
        (
            "Initial report to 市局 (Phone): 已到场 (report items still missing: estimated direct "
            "loss)"
        ),
    ),
    (
        "reopened by coordinator; escalation restarts at step 1",
        "reopened",
        "coordinator 重新打开，从第 1 步重新升级",
        "by coordinator; escalation restarts at step 1",
    ),
    (
        "reopened at 2026-12-06T04:00:00+00:00: escalation restarts at step 1",
        "restarted",
        "已重新打开：从第 1 步重新升级",
        "reopened: escalation restarts at step 1",
    ),
    (
        "coordinator asked to escalate now",
        "escalate_requested",
        "coordinator 要求立即升级",
        "coordinator asked to escalate now",
    ),
    (
        "escalated now from step 2 (press 2)",
        "escalated_now",
        "从第 2 步立即升级",
        "escalated now from step 2",
    ),
    (
        "person 7's own rules page nothing within the 5 min of step 2",
        "own_rules_silent",
        "陈静 的个人通知规则在第 2 步的 5 分钟内不发出任何通知",
        "陈静's own rules send nothing within the 5 min of step 2",
    ),
    (
        "policy special_equipment-I: step 2 restarts now",
        "raise_restarts",
        "级别提高，改用预案 特种设备 I级：第 2 步现在重新开始",
        "severity raised, plan Special equipment, level I: step 2 restarts now",
    ),
    # the fallback: "现在通知 leadership, media" (the English list as stored)
    (
        "policy 食品安全重大事件预案: telling leadership, media now",
        "raise_telling",
        "级别提高，改用预案 食品安全重大事件预案：现在通知 领导群、media",
        "severity raised, plan 食品安全重大事件预案: telling Leadership group, media now",
    ),
    (
        "every step paged without acknowledgement; repeating the last step",
        "exhausted",
        "各步均已呼叫但无人确认，重复最后一步",
        "every step paged without acknowledgement; repeating the last step",
    ),
    (
        "sms to +8613800000006 failed permanently: 21211 invalid number",
        "delivery_failed",
        "短信发往 +8613800000006 最终失败：21211 invalid number",
        "SMS to +8613800000006 failed permanently: 21211 invalid number",
    ),
    (
        "trying voice to next contact +8613800000007",
        "fallback",
        "改用下一个联系方式：语音电话发往 +8613800000007",
        "trying Voice call to the next contact +8613800000007",
    ),
    (
        "no further contact method for person 7",
        "no_further_contact",
        "陈静 没有其他联系方式",
        "no further contact method for 陈静",
    ),
    (
        "陈静 has no contact method for voice",
        "no_contact_method",
        "陈静 没有可用的语音电话联系方式",
        "陈静 has no contact method for Voice call",
    ),
    (
        "sms to +8613800000006: 30003, retry in 60 s",
        "retry",
        "短信发往 +8613800000006：30003，60 秒后重试",
        "SMS to +8613800000006: 30003, retry in 60 s",
    ),
    (
        "sms to +8613800000006: delivered",
        "delivery_status",
        "短信发往 +8613800000006：已送达",
        "SMS to +8613800000006: delivered",
    ),
    (
        (
            "another report of the same event attached: III 电梯坠落 (caller 刘女士, "
            "+8613900001111): 5号楼电梯轿厢坠落"
        ),
        "duplicate",
        ("同一事件：III级 · 较大 电梯坠落（来电人 刘女士, +8613900001111）：5号楼电梯轿厢坠落"),
        (
            "of the same event: III · relatively serious 电梯坠落 (caller 刘女士, "
            "+8613900001111): 5号楼电梯轿厢坠落"
        ),
    ),
    (
        "another report of the same event attached: IV 电梯困人",
        "duplicate",
        "同一事件：IV级 · 一般 电梯困人",
        "of the same event: IV · general 电梯困人",
    ),
    (
        (
            "severity raised from IV to III by a new report: plan special_equipment-III; "
            "escalation goes on at step 1 under it, paging again now; reports due 30 / 60 min "
            "after opening"
        ),
        "severity_raised",
        (
            "因新的报告，级别由 IV级 · 一般 上调为 III级 · 较大：预案 特种设备 III级；在第 1 步继续"
            "升级，立即重新呼叫；开启后 30 / 60 分钟内报告"
        ),
        (
            "from IV · general to III · relatively serious by a new report: plan "
            "Special equipment, level III; escalation goes on at step 1, paging again now; reports "
            "due 30 / 60 min after opening"
        ),
    ),
    # the fallback: "立即通知 leadership", "telling leadership now"
    (
        (
            "severity raised from III to II by its accident figures: plan 电梯II级; already "
            "acknowledged: telling leadership now; reports due 15 / 30 min after opening"
        ),
        "severity_raised",
        (
            "因事故数字，级别由 III级 · 较大 上调为 II级 · 重大：预案 电梯II级；已确认接警：立即通"
            "知 领导群；开启后 15 / 30 分钟内报告"
        ),
        (
            "from III · relatively serious to II · serious by its accident "
            "figures: plan 电梯II级; already acknowledged: telling Leadership group now; reports "
            "due 15 / 30 min after opening"
        ),
    ),
    (
        (
            "severity raised from IV to III by a new report: plan 电梯III级; reports due 30 / 60 "
            "min after opening"
        ),
        "severity_raised",
        (
            "因新的报告，级别由 IV级 · 一般 上调为 III级 · 较大：预案 电梯III级；开启后 30 / 60 分"
            "钟内报告"
        ),
        (
            "from IV · general to III · relatively serious by a new report: plan 电"
            "梯III级; reports due 30 / 60 min after opening"
        ),
    ),
    (
        (
            "accident details from a repeat report: deaths 1 → 3; serious_injuries 2 → 12; the "
            "figures suggest level III (now IV)"
        ),
        "details_repeat",
        (
            "来自重复报告：死亡人数 1 → 3；重伤人数 2 → 12；按上报数字建议 III级 · 较大（"
            "现为 IV级 · 一般）"
        ),
        (
            "from a repeat report: Deaths 1 → 3; Serious injuries 2 → 12; the "
            "figures suggest level III · relatively serious (now IV · general)"
        ),
    ),
    (
        (
            "accident details from a repeat report: equipment_type — → lift; not lowered or "
            "overwritten: deaths 3 kept (report: 1); measures_taken 封锁现场; 疏散 kept (report: 报"
            "警)"
        ),
        "details_repeat",
        (
            "来自重复报告：设备种类 — → 电梯；未调低或覆盖：死亡人数 3 保持不变（报告为 "
            "1）；处置措施 封锁现场; 疏散 保持不变（报告为 报警）"
        ),
        (
            "from a repeat report: Equipment type — → Lift; not lowered or "
            "overwritten: Deaths 3 kept (the report said 1); Measures taken 封锁现场; 疏散 kept "
            "(the report said 报警)"
        ),
    ),
    (
        "accident details from a repeat report not applied: deaths 3 kept (report: 1)",
        "details_kept",
        "来自重复报告：死亡人数 3 保持不变（报告为 1）",
        "from a repeat report: Deaths 3 kept (the report said 1)",
    ),
    (
        (
            "accident details: explosion_or_overturn False → True; the figures suggest level III "
            "(now IV)"
        ),
        "details_updated",
        (
            "锅炉、压力容器爆炸或起重机械整体倾覆 否 → 是；按上报数字建议 III级 · 较大（"
            "现为 IV级 · 一般）"
        ),
        (
            "A boiler or pressure vessel exploded, or a crane overturned No → "
            "Yes; the figures suggest level III · relatively serious (now IV · general)"
        ),
    ),
    (
        "accident details: measures_taken — → 封锁现场; 疏散群众",
        "details_updated",
        "处置措施 — → 封锁现场; 疏散群众",
        "Measures taken — → 封锁现场; 疏散群众",
    ),
    ("1234 确认 — acknowledged", "note", "1234 确认 — acknowledged", "1234 确认 — acknowledged"),
    (
        "key 3 pressed on the call to +8613800000006 — not understood; nothing changed",
        "note",
        # the old English of a fixed shape is read at display time (web.timeline_old_texts)
        "呼叫 +8613800000006 时按键 3 — 未能识别，未作处理",
        "3 on the call to +8613800000006 — not understood; nothing changed",
    ),
    (
        (
            "reopened by coordinator; escalation restarts at step 1; its code A12 is now another "
            "incident's, new code B34"
        ),
        "note",
        "coordinator 重新打开，从第 1 步重新升级；原事件码 A12 已被其他事件使用，新事件码 B34",
        (
            "by coordinator; escalation restarts at step 1; its code A12 is now another "
            "incident's, new code B34"
        ),
    ),
]
#: (stored detail, key, Chinese, English)
WISHES: list[tuple[str, str, str, str]] = [
    (
        "6 asked for day on 2026-12-06",
        "request_shift",
        "杨帆 希望 2026-12-06 上白班",
        "杨帆 asked for the 白班 shift on 2026-12-06",
    ),
    (
        "6 asked for no night on 2026-12-06",
        "request_no_shift",
        "杨帆 希望 2026-12-06 不上夜班",
        "杨帆 asked for no 夜班 shift on 2026-12-06",
    ),
    (
        "7 asked for day off on 2026-12-07",
        "request_day_off",
        "陈静 希望 2026-12-07 休息",
        "陈静 asked for a day off on 2026-12-07",
    ),
    # the fallback: "陈静 asked for to work on 2026-12-07"
    (
        "7 asked for to work on 2026-12-07",
        "request_work",
        "陈静 希望 2026-12-07 上班",
        "陈静 asked to work on 2026-12-07",
    ),
    (
        "7 works alone on 2026-12-08 between days off",
        "isolated_day_on",
        "陈静 2026-12-08 前后都休息，只上一天班",
        "陈静 works a single day between days off on 2026-12-08",
    ),
    (
        "6 has a single day off on 2026-12-09",
        "isolated_day_off",
        "杨帆 2026-12-09 只休一天",
        "杨帆 has a single day off on 2026-12-09",
    ),
    (
        "6 removed from night on 2026-12-10",
        "hint_removed",
        "杨帆 2026-12-10 不再上夜班",
        "杨帆 taken off 夜班 on 2026-12-10",
    ),
    (
        "7 added to day on 2026-12-10",
        "hint_added",
        "陈静 2026-12-10 改上白班",
        "陈静 put on 白班 on 2026-12-10",
    ),
    (
        "2026-12-10 day: 1 short of preferred 2",
        "under_cover",
        "2026-12-10 白班：比期望人数 2 少 1 人",
        "2026-12-10 白班: 1 short of the preferred 2",
    ),
    (
        "2026-12-10 night (food): 1 short of preferred 2",
        "under_cover",
        "2026-12-10 夜班 (food)：比期望人数 2 少 1 人",
        "2026-12-10 夜班 (food): 1 short of the preferred 2",
    ),
    (
        "2026-12-11 day: 2 over preferred 3",
        "over_cover",
        "2026-12-11 白班：比期望人数 3 多 2 人",
        "2026-12-11 白班: 2 more than the preferred 3",
    ),
    (
        "leader: spread of 3 between most and least (incl. year to date)",
        "spread",
        "带班领导：最多与最少相差 3（含本年累计）",
        "Leader on duty: 3 between the most and the least (including the year to date)",
    ),
    (
        "something the solver said once",
        "note",
        "something the solver said once",
        "something the solver said once",
    ),
]
