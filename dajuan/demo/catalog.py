"""The demo's 诉求分类 with the unit that usually leads each, its deadline policies, and the invented
requests the history is made of ({place} and {company} are filled in per case)."""

from dajuan.cases.catalog import category_add, deadline_policy_set
from dajuan.cases.choices import LimitUnit, Priority
from dajuan.org.models import Unit

# code, name, default lead unit code (None: the town of the place decides), children (code, name, lead)
CATEGORIES = [
    ("QY", "企业服务", "QC-YSB", [
        ("QY-YD", "用地用房", "QC-ZRJ"), ("QY-RZ", "融资信贷", "QC-JXJ"), ("QY-YG", "用工招聘", "QC-RSJ"),
        ("QY-JB", "政策奖补", "QC-JXJ"), ("QY-SP", "审批办证", "QC-SJB"),
    ]),
    ("JS", "城乡建设", "QC-ZJJ", [
        ("JS-WY", "物业管理", "QC-ZJJ"), ("JS-FW", "房屋安全", "QC-ZJJ"), ("JS-ZJ", "工程质量", "QC-ZJJ"),
    ]),
    ("CG", "城市管理", "QC-CGJ", [
        ("CG-LD", "路灯照明", "QC-CGJ"), ("CG-WZ", "违章搭建", None), ("CG-HW", "环境卫生", None),
    ]),
    ("LD", "劳动保障", "QC-RSJ", [("LD-XZ", "拖欠工资", "QC-RSJ"), ("LD-SB", "社会保险", "QC-RSJ")]),
    ("HB", "生态环境", "QC-STJ", [("HB-ZS", "噪声扰民", "QC-STJ"), ("HB-WS", "污水排放", "QC-STJ")]),
    ("SJ", "市场监管", "QC-SJJ", [("SJ-SP", "食品安全", "QC-SJJ"), ("SJ-XF", "消费维权", "QC-SJJ")]),
    ("NY", "农业农村", "QC-NYJ", [("NY-NZ", "农资农技", "QC-NYJ"), ("NY-DL", "农村道路", "QC-JTJ")]),
    ("JY", "教育", "QC-JYJ", [("JY-RX", "入学入园", "QC-JYJ")]),
    ("WS", "卫生健康", "QC-WJW", [("WS-YB", "医保报销", "QC-YBJ")]),
    ("SQ", "社区治理", None, [("SQ-JF", "邻里纠纷", None), ("SQ-SS", "公共设施", None)]),
]

# category code, title, requester kind ("citizen" or "enterprise"), content
REQUESTS = [
    ("QY-YD", "厂房扩建用地指标迟迟未落实", "enterprise",
     "{company}计划在{place}附近扩建厂房，用地指标申报已三个月仍无答复，影响订单交付。"),
    ("QY-RZ", "申请续贷遇到抵押评估难题", "enterprise",
     "{company}流动资金贷款到期，银行要求重新评估抵押物，评估费用高、周期长，希望协调。"),
    ("QY-YG", "旺季用工缺口约六十人", "enterprise",
     "{company}中药饮片生产旺季缺一线工人约六十人，希望人社部门协助组织专场招聘。"),
    ("QY-JB", "技改奖补资金未按期拨付", "enterprise",
     "{company}去年完成技术改造，已通过验收，奖补资金至今未拨付，请告知进度。"),
    ("QY-SP", "食品经营许可延续办理慢", "enterprise",
     "{company}食品经营许可证即将到期，线上提交延续申请后长时间未审核。"),
    ("QY-YD", "项目配套道路未按约定建设", "enterprise",
     "{company}入驻园区时约定建设的配套道路至今未动工，货车进出困难。"),
    ("JS-WY", "小区电梯频繁停运", "citizen",
     "{place}某小区3号楼电梯近一个月停运多次，老人上下楼困难，物业推诿不修。"),
    ("JS-WY", "物业擅自提高停车费", "citizen",
     "{place}小区物业未经业主大会同意将停车费由每月80元涨到150元。"),
    ("JS-FW", "老旧楼房外墙脱落", "citizen",
     "{place}一栋老旧楼房外墙瓷砖大面积脱落，存在砸伤行人隐患，请尽快处理。"),
    ("JS-ZJ", "新房交付后墙体开裂", "citizen",
     "{place}新建小区交房不到一年，多户墙体出现裂缝，开发商不予维修。"),
    ("CG-LD", "道路路灯长期不亮", "citizen",
     "{place}主干道约二百米路灯长期不亮，夜间行人和电动车通行不安全。"),
    ("CG-WZ", "楼顶违章搭建彩钢房", "citizen",
     "{place}某居民在楼顶搭建彩钢房，影响楼上防水和消防通道。"),
    ("CG-HW", "垃圾清运不及时", "citizen",
     "{place}垃圾中转点垃圾堆积多日未清运，气味难闻，蚊蝇滋生。"),
    ("LD-XZ", "工地拖欠农民工工资", "citizen",
     "{place}某在建工地拖欠二十余名农民工工资约三十万元，多次讨要无果。"),
    ("LD-SB", "灵活就业社保缴费咨询", "citizen",
     "在{place}从事个体经营，想了解灵活就业人员养老保险缴费档次和补贴政策。"),
    ("HB-ZS", "夜间施工噪声扰民", "citizen",
     "{place}附近工地连续多晚施工至凌晨，噪声严重影响居民休息。"),
    ("HB-WS", "养殖场污水直排沟渠", "citizen",
     "{place}一养殖场将污水直接排入村边沟渠，水体发黑发臭。"),
    ("SJ-SP", "学校周边小吃摊卫生差", "citizen",
     "{place}学校门口流动小吃摊卫生条件差，担心学生食品安全。"),
    ("SJ-XF", "预付卡商家关门跑路", "citizen",
     "{place}一家健身房突然关门，数百名会员预付卡余额无法退还。"),
    ("NY-NZ", "购买的种子出苗率低", "citizen",
     "在{place}购买的小麦种子出苗率不足五成，商家拒绝赔偿，请求鉴定。"),
    ("NY-DL", "村村通道路破损严重", "citizen",
     "{place}通往镇上的村道多处坑洼，雨天积水，农产品运输困难。"),
    ("JY-RX", "孩子入学学区划分疑问", "citizen",
     "家住{place}，孩子明年上小学，按学区划分需到较远学校就读，希望解释划片依据。"),
    ("WS-YB", "异地就医报销比例偏低", "citizen",
     "{place}居民在外地住院，回来报销时比例明显低于预期，请解释政策。"),
    ("SQ-JF", "邻居占用公共楼道堆物", "citizen",
     "{place}某单元邻居长期在楼道堆放杂物，存在消防隐患，协商无果。"),
    ("SQ-SS", "小区健身器材损坏", "citizen",
     "{place}小区广场健身器材多处损坏，存在安全隐患，希望维修更换。"),
    ("CG-HW", "背街小巷污水外溢", "citizen",
     "{place}背街小巷下水道堵塞，污水外溢到路面，居民出行不便。"),
]

COMPANIES = [
    "谯城区华康药业有限公司", "亳州市芍花堂饮片有限公司", "安徽古井花茶科技有限公司", "亳州市汤陵食品有限公司",
    "谯城区新鑫建材有限公司", "亳州市药都物流有限公司", "安徽谯韵纺织有限公司", "亳州市立德农业科技有限公司",
]


def build_catalog() -> int:
    """Categories and deadline policies; returns the number of categories."""
    count = 0
    for code, name, lead, children in CATEGORIES:
        parent = category_add(code=code, name=name, default_lead_unit=_unit(lead))
        count += 1
        for child_code, child_name, child_lead in children:
            category_add(code=child_code, name=child_name, parent=parent, default_lead_unit=_unit(child_lead))
            count += 1
    # District defaults (DESIGN §1): 5 working days, 紧急 1 working day, 特急 2 working hours.
    for priority, amount, unit in [(Priority.NORMAL, 5, LimitUnit.WORKING_DAYS),
                                   (Priority.URGENT, 1, LimitUnit.WORKING_DAYS),
                                   (Priority.CRITICAL, 2, LimitUnit.WORKING_HOURS)]:
        deadline_policy_set(category=None, priority=priority, reply_limit=amount, limit_unit=unit)
    # Enterprise matters that need coordination between departments get longer.
    from dajuan.cases.models import Category

    for code in ("QY-YD", "QY-JB"):
        deadline_policy_set(category=Category.objects.get(code=code), priority=Priority.NORMAL, reply_limit=10,
                            limit_unit=LimitUnit.WORKING_DAYS, assist_report_limit=5)
    return count


def _unit(code: str | None):
    return Unit.objects.get(code=code) if code else None
