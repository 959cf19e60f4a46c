"""Strings that reach the page through ``_(value)`` with a value held in a variable.

They are defined as plain strings elsewhere (engine dictionaries, form labels and
validator messages, error titles), so ``pybabel extract`` cannot see them at the
call site.  Listing them here with ``_l`` puts them in the catalogue; nothing
imports the values at run time.  Keep this list in step with those sources —
tests/test_translations.py checks that they are all here.
"""

from flask_babel import lazy_gettext as _l

# engine.identity.ROLE_NAMES
ROLES = (_l("系统管理员"), _l("系统监管员"), _l("电子监察员"), _l("岗位用户"), _l("申请人"), _l("数据交换接口"))
# engine.organisation.LEVEL_NAMES
LEVELS = (_l("省"), _l("市"), _l("区（县）"), _l("镇（街道）"), _l("社区（村）"))
# engine.catalogue.HANDLING and TYPES
HANDLING = (_l("即办件"), _l("承诺件"), _l("上报件"), _l("联办件"))
MATTER_TYPES = (
    _l("行政许可"),
    _l("非行政许可审批"),
    _l("行政确认"),
    _l("行政给付"),
    _l("行政登记"),
    _l("公共服务"),
    _l("其他行政权力"),
)
# engine.case_clock.PAUSE_KINDS
PAUSE_KINDS = (_l("补正材料"), _l("听证"), _l("专家评审"), _l("检验检测"), _l("现场勘查"), _l("中止"))
# web.errors.PAGE_TITLES and the 403 of web.session.require_roles
ERRORS = (
    _l("请求有误"),
    _l("无权访问"),
    _l("页面不存在"),
    _l("不支持的操作"),
    _l("操作冲突"),
    _l("文件过大"),
    _l("无法处理"),
    _l("操作过于频繁"),
    _l("服务器内部错误"),
    _l("出错了"),
    _l("您的账号无权访问此页面"),
    _l("请先登录"),
)
# web.manage.calendar_pages.KIND_NAMES and WEEKDAYS
CALENDAR = (
    _l("工作日"),
    _l("周末"),
    _l("法定节假日"),
    _l("调休上班"),
    _l("一"),
    _l("二"),
    _l("三"),
    _l("四"),
    _l("五"),
    _l("六"),
    _l("日"),
)
# web.manage.matters.STATUSES
MATTER_STATUSES = (_l("在办"), _l("已停办"), _l("原件"))
# form labels and validator messages (rendered with _(field.label.text) and _(error))
AUTH_FORMS = (
    _l("密码"),
    _l("姓名或单位名称"),
    _l("请填写 11 位手机号码"),
    _l("确认密码"),
    _l("当前密码"),
    _l("新密码"),
    _l("确认新密码"),
)
MANAGE_FORMS = (
    _l("单位编码"),
    _l("单位名称"),
    _l("层级"),
    _l("上级单位"),
    _l("设定依据（每行一条）"),
    _l("受理条件（每行一条）"),
    _l("批后监督检查期限（自然日，空为无）"),
    _l("承诺核查期限（工作日，空为 20）"),
    _l("变更说明"),
    _l("电话"),
    _l("电子邮箱"),
    _l("AB岗（不在岗时由其代办）"),
    _l("初始密码"),
)
PORTAL_FORMS = (
    _l("自然人"),
    _l("法人或其他组织"),
    _l("申请人类型"),
    _l("申请人姓名或单位名称"),
    _l("请填写申请人姓名或单位名称"),
    _l("身份证件号码或统一社会信用代码"),
    _l("请填写证件号码"),
    _l("请填写 18 位身份证号码或统一社会信用代码"),
    _l("联系人"),
    _l("请填写联系电话"),
    _l("请填写有效的联系电话"),
    _l("联系地址"),
    _l("申请事项说明"),
    _l("本人承诺所填信息及所交材料真实、有效，如有虚假愿承担相应法律责任"),
    _l("请确认承诺"),
    _l("匿名投诉"),
    _l("涉及的办件"),
    _l("请填写投诉主题"),
    _l("请填写投诉内容"),
    _l("请选择总体满意度"),
    _l("意见和建议"),
    _l("意见和建议不超过 1000 字"),
)
# web.notification_channels.CHANNEL_NAMES and ADDRESS_ERRORS
NOTICE_CHANNELS = (
    _l("电子邮件"),
    _l("短信"),
    _l("Webhook（其他系统）"),
    _l("请填写有效的电子邮箱"),
    _l("请填写有效的手机号码"),
    _l("Webhook 地址须以 http:// 或 https:// 开头"),
)
# engine.violations.rules.RULES: each rule"s label and description (the signal rules page)
VIOLATION_RULES = (
    _l("逾期未作受理处理"),
    _l(
        "申请人提交申请后，窗口在受理时限（默认 5 个工作日，可按事项设置）内既未受理、不予受理，也未一次性告知补正，依《行政许可法》第三十二条自收到申请之日起即为受理。"
    ),
    _l("擅自改变已生效的行政许可"),
    _l("电子证照被撤销，而办件此前没有出具撤销或注销行政许可决定书。"),
    _l("超期作出决定"),
    _l("办件以准予或不予许可办结时已超过法定时限（暂停计时的时间已顺延）。"),
    _l("不予受理或不予许可未说明理由"),
    _l("办件以不予受理或不予许可办结后 days 个工作日内未出具载明理由的决定书（不予受理决定书或不予许可决定书）。"),
    _l("未一次性告知补正材料"),
    _l(
        "同一办件第二次及以后的补正告知。guide_materials_only 为真时，只有再次要求办事指南所列材料才算（现场核查新发现的问题不算）。"
    ),
    _l("违规收费"),
    _l(
        "收费事项标注为免费、收费项目不在事项目录的收费清单内，或金额与收费标准不符（标准无法解析出金额时不比较金额）。"
    ),
    _l("运行已停办事项或未公布的办理流程"),
    _l("在事项停办之后启动的办件，或办件所用流程版本部署于事项最近一次发布之后（流程改变未经发布）。"),
    _l("准予许可后未发放证照"),
    _l("matter_types 所列类型的事项准予办结后 days 个工作日内没有发放电子证照。"),
    _l("办理结果未公开"),
    _l("办件办结后 days 个工作日内未公开办理结果。"),
    _l("初审转报上级超时"),
    _l("多级办理的流程中，一个单位的环节超过环节时限才完成，而下一环节属于另一单位（即逾期转报上一级）。"),
    _l("事实未及时报送"),
    _l("报送的事实发生时间与报送时间相隔超过 days 个工作日。"),
    _l("体外循环"),
    _l("专网系统报送的办件有决定却没有受理记录，或发放的证照没有对应的准予许可办件（在系统之外办理）。"),
    _l(
        "kinds 所列特殊程序（现场勘查、专家评审即技术论证）的暂停计时超过 days 个工作日（郑州管城区：有关科室在2个工作日—20个工作日内完成）。"
    ),
    _l(
        "办件启动时，事项的办事指南缺少 required 所列的公示内容（legal_basis 依据、conditions 条件、statutory_limit_days 办理时限；materials 材料目录可按层级加入——确无需提交材料的事项目录为空）。"
    ),
    _l("办理方式为即办件的事项，受理当日（北京时间）未办结（郑州管城区：即办件在受理窗口完成）。"),
    _l("即办件未当日办结"),
    _l("对符合法定条件的申请不予受理"),
    _l("对符合法定条件的申请不予许可"),
    _l("未按规定公示应当公示的材料"),
    _l("特殊程序超过时限"),
    _l("监察机关核实不予受理决定，认定申请符合法定条件（核实结论为违规）。"),
    _l("监察机关核实不予许可决定，认定申请符合法定条件（核实结论为违规）。"),
    _l("承诺不实仍准予许可"),
    _l(
        "告知承诺制：申请人以承诺代替的材料，准予许可后核查发现承诺不实——对不符合法定条件的申请准予了行政审批，应依法撤销或纠正（深府〔2007〕32号第十二条第（五）项）。"
    ),
    _l("告知承诺事后核查逾期"),
    _l(
        "准予许可后，以承诺代替材料的办件在事项规定的核查期限（pledge_check_days 个工作日，默认 20）内未记录核查结果（未履行对审批事项的监督检查职责，第八条第（四）项；第十一条第（十）项其他情节轻微的情形）。"
    ),
)
