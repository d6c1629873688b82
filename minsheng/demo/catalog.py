"""The demo county's menu and providers, and the catalog rows built from them.

The menu (``SERVICES``) and the providers (``PROVIDERS``) are plain data. Township keys
refer to ``regions.TOWNSHIPS``; ``"county"`` means offered or served county-wide, ``"urban"``
/ ``"rural"`` the townships of that kind. ``build_catalog`` writes them (with three local
categories below the national areas) and returns what the history simulator draws from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.catalog.models import (
    Category,
    Provider,
    Service,
    ServiceArea,
    ServiceAttribute,
    Synonym,
    UrgencyClass,
)
from minsheng.demo.regions import TOWNSHIPS, Place, townships_for
from minsheng.regions.models import Region

DEMO_PROVIDER = "longtan-volunteers"  # the walk-through's provider (see ``logins``)
DEMO_SERVICE = "meal-delivery"  # the walk-through's service

# Local categories below a national area: water, power and gas at home, each with its own
# utility company (so a gas company is never sent to fix a water pipe).
LOCAL_CATEGORIES: list[tuple[str, str, str, str]] = [
    # (area code, category code, name_zh, name_en)
    ("housing", "water-supply", "供水保障", "Water supply"),
    ("housing", "power-supply", "供电保障", "Power supply"),
    ("housing", "gas-supply", "燃气保障", "Gas supply"),
]

Choice = tuple[str, str, str]  # key, name_zh, name_en


@dataclass(frozen=True)
class DemoAttribute:
    code: str
    datatype: str
    label_zh: str
    label_en: str
    required: bool = False
    choices: tuple[Choice, ...] = ()
    # Bounds (ServiceAttribute): numbers for a number question, days from the order day
    # for a date question.
    minimum: float | None = None
    maximum: float | None = None
    whole_number: bool = False
    earliest_days: int | None = None
    latest_days: int | None = None


@dataclass(frozen=True)
class DemoService:
    code: str
    category: str
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    delivery: str  # facility / door / online
    urgency: str  # emergency / utilities / general / complex
    dispatch: str  # manual / auto / grab
    offered: str | tuple[str, ...] = "county"
    weight: float = 1.0  # relative demand
    published: bool = True
    keywords: str = ""
    attributes: tuple[DemoAttribute, ...] = field(default_factory=tuple)


A = DemoAttribute
S = DemoService

SERVICES: list[DemoService] = [
    # 幼有所育 ------------------------------------------------------------------------------
    S(
        "child-vaccination",
        "child-health",
        "儿童疫苗接种预约",
        "Childhood vaccination appointment",
        "为0–6岁儿童预约国家免疫规划疫苗接种，接种前会短信提醒时间和注意事项。",
        "Book a National Immunisation Programme vaccination for a child aged 0–6; a text "
        "message reminds you of the time and what to bring.",
        "facility",
        "general",
        "manual",
        weight=6,
        keywords="疫苗 打针 vaccine",
        attributes=(
            A(
                "birth_date",
                "datetime",
                "儿童出生日期",
                "Child's date of birth",
                True,
                earliest_days=-2557,
                latest_days=0,
            ),
            A(
                "vaccine",
                "singlevaluelist",
                "接种疫苗",
                "Vaccine",
                True,
                (
                    ("hepb", "乙肝疫苗", "Hepatitis B"),
                    ("dtap", "百白破疫苗", "DTaP"),
                    ("mmr", "麻腮风疫苗", "MMR"),
                    ("flu", "流感疫苗", "Influenza"),
                ),
            ),
        ),
    ),
    S(
        "prenatal-checkup",
        "prenatal",
        "孕产期保健预约",
        "Pregnancy check-up appointment",
        "孕早期建册、产前检查和产后访视预约，由乡镇卫生院或社区卫生服务中心提供。",
        "Registration in early pregnancy, antenatal check-ups and a postnatal home visit, by "
        "the township health centre.",
        "facility",
        "general",
        "auto",
        weight=3,
        attributes=(
            A(
                "weeks",
                "number",
                "孕周",
                "Weeks of pregnancy",
                True,
                minimum=1,
                maximum=42,
                whole_number=True,
            ),
        ),
    ),
    S(
        "left-behind-children",
        "child-care",
        "留守儿童关爱",
        "Care for left-behind children",
        "为父母外出务工的留守儿童提供作业辅导、心理疏导、亲情视频和生活照料。",
        "Homework help, counselling, video calls with parents working away, and daily care "
        "for children whose parents work in the cities.",
        "door",
        "complex",
        "manual",
        offered="rural",
        weight=4,
        attributes=(
            A(
                "child_age",
                "number",
                "儿童年龄",
                "Child's age",
                True,
                minimum=0,
                maximum=17,
                whole_number=True,
            ),
            A(
                "needs",
                "multivaluelist",
                "需要的帮助",
                "Help needed",
                True,
                (
                    ("homework", "作业辅导", "Homework help"),
                    ("counselling", "心理疏导", "Counselling"),
                    ("video", "亲情视频", "Video calls with parents"),
                    ("care", "生活照料", "Daily care"),
                ),
            ),
            A("notes", "text", "情况说明", "Circumstances"),
        ),
    ),
    S(
        "infant-care-guidance",
        "child-health",
        "婴幼儿照护指导",
        "Infant care guidance",
        "医生或育婴师上门指导0–3岁婴幼儿喂养、睡眠和早期发展。",
        "A doctor or childcare adviser visits to advise on feeding, sleep and early "
        "development of children under three.",
        "door",
        "general",
        "manual",
        weight=2,
    ),
    # 学有所教 ------------------------------------------------------------------------------
    S(
        "preschool-aid",
        "preschool",
        "学前教育资助申请",
        "Preschool financial aid",
        "家庭经济困难幼儿的保教费减免申请。",
        "Fee relief for preschool children from families in financial difficulty.",
        "online",
        "complex",
        "manual",
        weight=1.5,
        attributes=(A("school", "string", "就读幼儿园", "Preschool attended", True),),
    ),
    S(
        "home-schooling",
        "compulsory",
        "送教上门",
        "Teaching at home",
        "为不能到校就读的重度残疾适龄儿童安排教师定期上门授课。",
        "Teachers visit school-age children with severe disabilities who cannot attend school.",
        "door",
        "complex",
        "manual",
        weight=1,
    ),
    S(
        "high-school-grant",
        "high-school",
        "普通高中国家助学金申请",
        "High-school state grant",
        "家庭经济困难的普通高中学生申请国家助学金。",
        "State grant for high-school students from families in financial difficulty.",
        "online",
        "complex",
        "manual",
        weight=1,
    ),
    S(
        "vocational-tuition",
        "vocational",
        "中职学生免学费申请",
        "Vocational school tuition waiver",
        "中等职业学校学生免学费及助学金申请。",
        "Tuition waiver and grant for secondary vocational students.",
        "online",
        "complex",
        "manual",
        weight=0.8,
    ),
    # 劳有所得 ------------------------------------------------------------------------------
    S(
        "job-info",
        "jobs",
        "就业信息推送",
        "Job vacancies sent to you",
        "按意向工种和期望工资推送县内外岗位信息，可预约招聘会。",
        "Vacancies in and beyond the county matched to the trades and wage you want; book a "
        "place at a job fair.",
        "online",
        "general",
        "auto",
        weight=5,
        keywords="找工作 招聘 jobs",
        attributes=(
            A(
                "trades",
                "multivaluelist",
                "意向工种",
                "Trades wanted",
                True,
                (
                    ("construction", "建筑", "Construction"),
                    ("catering", "餐饮", "Catering"),
                    ("ecommerce", "电商", "E-commerce"),
                    ("housekeeping", "家政", "Housekeeping"),
                    ("factory", "制造", "Manufacturing"),
                ),
            ),
            A(
                "wage",
                "number",
                "期望月工资（元）",
                "Monthly wage wanted (yuan)",
                minimum=0,
                maximum=100000,
                whole_number=True,
            ),
        ),
    ),
    S(
        "skills-training",
        "jobs",
        "技能培训报名",
        "Skills training registration",
        "免费职业技能培训报名：电工、中式烹调、电商直播、茶叶种植加工等。",
        "Free vocational courses: electrician, Chinese cooking, live-stream selling, tea "
        "growing and processing.",
        "facility",
        "general",
        "manual",
        weight=4,
        attributes=(
            A(
                "course",
                "singlevaluelist",
                "培训课程",
                "Course",
                True,
                (
                    ("electrician", "电工", "Electrician"),
                    ("cook", "中式烹调", "Chinese cooking"),
                    ("livestream", "电商直播", "Live-stream selling"),
                    ("tea", "茶叶种植加工", "Tea growing and processing"),
                ),
            ),
            A(
                "start",
                "datetime",
                "希望开课时间",
                "Preferred start",
                earliest_days=0,
                latest_days=180,
            ),
        ),
    ),
    S(
        "startup-loan",
        "jobs",
        "创业担保贷款咨询",
        "Start-up guaranteed loan advice",
        "返乡创业人员创业担保贷款政策咨询和申请指导。",
        "Advice on, and help applying for, guaranteed start-up loans for returning migrants.",
        "facility",
        "complex",
        "manual",
        weight=1,
    ),
    S(
        "unemployment-registration",
        "work-insurance",
        "失业登记与失业保险金申领",
        "Unemployment registration and benefit",
        "办理失业登记，申领失业保险金。",
        "Register as unemployed and claim unemployment insurance benefit.",
        "online",
        "general",
        "auto",
        weight=1.5,
    ),
    S(
        "work-injury",
        "work-insurance",
        "工伤认定咨询",
        "Work-injury assessment advice",
        "工伤认定、劳动能力鉴定流程咨询。",
        "How work injuries are assessed and compensated.",
        "facility",
        "complex",
        "manual",
        weight=0.7,
    ),
    # 病有所医 ------------------------------------------------------------------------------
    S(
        "family-doctor",
        "public-health",
        "家庭医生签约",
        "Family doctor contract",
        "与乡镇卫生院或村卫生室的家庭医生团队签约，享受健康管理和上门随访。",
        "Sign up with a family-doctor team of the township health centre or village clinic "
        "for health management and home follow-up.",
        "door",
        "general",
        "manual",
        weight=6,
        keywords="医生 签约 doctor",
        attributes=(
            A(
                "household",
                "number",
                "签约人数",
                "People in the household signing",
                True,
                minimum=1,
                maximum=20,
                whole_number=True,
            ),
            A(
                "conditions",
                "multivaluelist",
                "慢性病情况",
                "Chronic conditions",
                False,
                (
                    ("hypertension", "高血压", "Hypertension"),
                    ("diabetes", "糖尿病", "Diabetes"),
                    ("none", "无", "None"),
                ),
            ),
        ),
    ),
    S(
        "chronic-followup",
        "public-health",
        "慢病随访",
        "Chronic disease follow-up",
        "高血压、2型糖尿病和严重精神障碍患者的定期随访和用药指导。",
        "Regular follow-up and medication advice for hypertension, type 2 diabetes and "
        "severe mental disorders.",
        "door",
        "general",
        "auto",
        weight=7,
        attributes=(
            A(
                "condition",
                "singlevaluelist",
                "病种",
                "Condition",
                True,
                (
                    ("hypertension", "高血压", "Hypertension"),
                    ("diabetes", "2型糖尿病", "Type 2 diabetes"),
                    ("mental", "严重精神障碍", "Severe mental disorder"),
                ),
            ),
        ),
    ),
    S(
        "elderly-health-check",
        "public-health",
        "老年人健康体检",
        "Health check for over-65s",
        "65岁以上老年人每年一次免费健康体检。",
        "A free yearly health check for residents aged 65 and over.",
        "facility",
        "general",
        "manual",
        weight=4,
    ),
    S(
        "medical-insurance-enrol",
        "medical-insurance",
        "城乡居民医保参保缴费",
        "Residents' medical insurance enrolment",
        "城乡居民基本医疗保险参保登记和缴费。",
        "Enrol in, and pay for, the urban and rural residents' basic medical insurance.",
        "online",
        "general",
        "auto",
        weight=3,
    ),
    S(
        "medical-reimbursement",
        "medical-insurance",
        "医疗费用报销咨询",
        "Medical reimbursement advice",
        "异地就医备案、住院费用报销和大病保险咨询。",
        "Registering treatment outside the county, reimbursing hospital costs, critical "
        "illness insurance.",
        "online",
        "complex",
        "manual",
        weight=1.5,
    ),
    S(
        "family-planning-support",
        "family-planning",
        "计划生育特别扶助申请",
        "Family-planning special support",
        "独生子女伤残、死亡家庭特别扶助金申请。",
        "Special support for families whose only child is disabled or has died.",
        "online",
        "complex",
        "manual",
        weight=0.5,
    ),
    # 老有所养 ------------------------------------------------------------------------------
    S(
        "meal-delivery",
        "elderly-care",
        "助餐送餐",
        "Meal delivery for the elderly",
        "为高龄、独居和行动不便的老人送餐上门，可选软食、低糖、低盐。",
        "Meals delivered to older people living alone or with limited mobility; soft, "
        "low-sugar and low-salt meals available.",
        "door",
        "general",
        "manual",
        weight=9,
        keywords="送饭 老人 meals",
        attributes=(
            A(
                "meals_per_day",
                "number",
                "每天几餐",
                "Meals per day",
                True,
                minimum=1,
                maximum=3,
                whole_number=True,
            ),
            A(
                "diet",
                "singlevaluelist",
                "饮食要求",
                "Diet",
                False,
                (
                    ("regular", "普通", "Regular"),
                    ("soft", "软食", "Soft"),
                    ("low_sugar", "低糖", "Low sugar"),
                    ("low_salt", "低盐", "Low salt"),
                ),
            ),
            A("start", "datetime", "开始日期", "Start date", earliest_days=0, latest_days=90),
        ),
    ),
    S(
        "home-haircut",
        "elderly-care",
        "上门理发",
        "Haircut at home",
        "志愿者为行动不便的老人上门理发。",
        "Volunteers cut the hair of older people who cannot get out.",
        "door",
        "general",
        "grab",
        weight=5,
        attributes=(
            A(
                "when",
                "datetime",
                "方便的时间",
                "A convenient time",
                earliest_days=0,
                latest_days=30,
            ),
        ),
    ),
    S(
        "home-cleaning",
        "elderly-care",
        "居家保洁助老",
        "Home cleaning for the elderly",
        "为高龄、失能老人提供居家清洁服务，每次约两小时。",
        "About two hours of home cleaning for very old or frail residents.",
        "door",
        "general",
        "grab",
        weight=4,
        attributes=(
            A("rooms", "number", "房间数", "Rooms", minimum=1, maximum=30, whole_number=True),
            A("notes", "string", "特别说明", "Anything we should know"),
        ),
    ),
    S(
        "elderly-daycare",
        "elderly-care",
        "日间照料",
        "Day care for the elderly",
        "社区日间照料中心提供午餐、午休、康复和文娱活动。",
        "The community day-care centre offers lunch, rest, rehabilitation and activities.",
        "facility",
        "general",
        "manual",
        offered="urban",
        weight=2,
    ),
    S(
        "pension-certification",
        "pension",
        "养老金领取资格认证",
        "Pension eligibility check",
        "行动不便的养老保险待遇领取人员可预约工作人员上门认证。",
        "Pensioners who cannot travel can book a home visit for the yearly eligibility check.",
        "door",
        "general",
        "auto",
        weight=3,
    ),
    S(
        "smart-wristband",
        "elderly-care",
        "智慧养老手环申领",
        "Smart alarm wristband",
        "（试点筹备中）独居老人一键呼叫手环申领。",
        "(Pilot in preparation) An alarm wristband for older people living alone.",
        "door",
        "general",
        "manual",
        weight=0,
        published=False,
    ),
    # 住有所居 ------------------------------------------------------------------------------
    S(
        "dilapidated-house",
        "renovation",
        "危房改造申请",
        "Dilapidated house renovation",
        "农村低收入群体等重点对象危房改造申请，住建部门上门鉴定。",
        "Low-income rural households apply to have an unsafe house rebuilt or repaired; "
        "housing staff come to assess it.",
        "door",
        "complex",
        "manual",
        offered="rural",
        weight=1.5,
        attributes=(
            A(
                "structure",
                "singlevaluelist",
                "房屋结构",
                "Structure",
                True,
                (
                    ("earth_wood", "土木", "Earth and wood"),
                    ("brick_wood", "砖木", "Brick and wood"),
                    ("brick_concrete", "砖混", "Brick and concrete"),
                ),
            ),
            A("area", "number", "建筑面积（平方米）", "Floor area (m²)", minimum=1, maximum=5000),
            A("damage", "text", "损坏情况", "Damage"),
        ),
    ),
    S(
        "public-rental",
        "public-rental",
        "公租房申请",
        "Public rental housing",
        "县城住房困难家庭、新就业人员和外来务工人员申请公共租赁住房。",
        "Households in housing difficulty, new employees and migrant workers apply for public "
        "rental housing in the county town.",
        "online",
        "complex",
        "manual",
        offered=("chengguan",),
        weight=1.2,
    ),
    S(
        "age-friendly-retrofit",
        "renovation",
        "适老化改造",
        "Age-friendly home adaptation",
        "为困难老年人家庭安装扶手、防滑地面和坐便椅等。",
        "Grab rails, non-slip floors and commode chairs for older residents on low incomes.",
        "door",
        "complex",
        "manual",
        weight=1.2,
    ),
    S(
        "water-repair",
        "water-supply",
        "自来水抢修",
        "Water supply repair",
        "停水、爆管、水质浑浊和水表故障报修，24小时内处理。",
        "Report no water, a burst pipe, dirty water or a faulty meter; fixed within 24 hours.",
        "door",
        "utilities",
        "auto",
        weight=4,
        keywords="停水 漏水 water",
        attributes=(
            A(
                "problem",
                "singlevaluelist",
                "问题",
                "Problem",
                True,
                (
                    ("no_water", "停水", "No water"),
                    ("burst", "爆管", "Burst pipe"),
                    ("dirty", "水质浑浊", "Dirty water"),
                    ("meter", "水表故障", "Faulty meter"),
                ),
            ),
            A("spot", "string", "具体位置", "Exact spot", True),
        ),
    ),
    S(
        "power-repair",
        "power-supply",
        "用电故障报修",
        "Power fault repair",
        "停电、线路老化、电表故障、村里路灯不亮报修。",
        "Report a power cut, old wiring, a faulty meter or a street light that is out.",
        "door",
        "utilities",
        "auto",
        weight=4,
        keywords="停电 路灯 power",
    ),
    S(
        "gas-leak",
        "gas-supply",
        "燃气泄漏",
        "Gas leak",
        "闻到燃气味请立即关阀开窗、离开房间，不要开关电器，然后报修。两小时内到场处置。",
        "If you smell gas: close the valve, open the windows, leave, touch no switches, then "
        "report it. A crew arrives within two hours.",
        "door",
        "emergency",
        "auto",
        offered="urban",
        weight=1,
        keywords="燃气 煤气 gas",
        attributes=(
            A(
                "smell",
                "singlevaluelist",
                "气味",
                "Smell",
                True,
                (("faint", "轻微", "Faint"), ("strong", "明显", "Strong")),
            ),
            A(
                "people_inside",
                "number",
                "屋内人数",
                "People inside",
                minimum=0,
                maximum=100,
                whole_number=True,
            ),
        ),
    ),
    # 弱有所扶 ------------------------------------------------------------------------------
    S(
        "temporary-assistance",
        "social-assistance",
        "临时救助申请",
        "Emergency financial assistance",
        "因火灾、交通事故、重病等突发原因导致基本生活暂时困难的家庭申请临时救助。",
        "Households suddenly unable to meet basic needs after a fire, an accident or serious "
        "illness apply for temporary assistance.",
        "door",
        "complex",
        "manual",
        weight=2,
        attributes=(
            A("reason", "text", "困难原因", "What happened", True),
            A(
                "household",
                "number",
                "家庭人口",
                "People in the household",
                minimum=1,
                maximum=30,
                whole_number=True,
            ),
        ),
    ),
    S(
        "subsistence-allowance",
        "social-assistance",
        "最低生活保障申请",
        "Minimum living allowance",
        "申请城乡居民最低生活保障（低保），工作人员入户核查。",
        "Apply for the minimum living allowance (dibao); staff visit to verify.",
        "door",
        "complex",
        "manual",
        weight=1.5,
    ),
    S(
        "legal-consultation",
        "legal-aid",
        "法律咨询",
        "Legal advice",
        "律师和法律服务工作者在线解答婚姻家庭、土地承包、劳动争议和邻里纠纷问题。",
        "Lawyers answer questions on family, land contracts, labour disputes and quarrels "
        "between neighbours.",
        "online",
        "general",
        "grab",
        weight=3,
        attributes=(
            A(
                "matter",
                "singlevaluelist",
                "事项",
                "Matter",
                True,
                (
                    ("family", "婚姻家庭", "Marriage and family"),
                    ("land", "土地承包", "Land contract"),
                    ("labour", "劳动争议", "Labour dispute"),
                    ("neighbours", "邻里纠纷", "Neighbour dispute"),
                ),
            ),
            A("summary", "text", "情况简述", "Summary"),
        ),
    ),
    S(
        "legal-aid",
        "legal-aid",
        "法律援助申请",
        "Legal aid application",
        "经济困难公民和特定案件当事人申请免费法律援助。",
        "People on low incomes and parties to certain cases apply for free legal aid.",
        "facility",
        "complex",
        "manual",
        weight=1,
    ),
    S(
        "assistive-devices",
        "disability",
        "残疾人辅具申请",
        "Assistive devices for disabled people",
        "持证残疾人申请轮椅、助行器、助听器等基本辅助器具，上门评估适配。",
        "Holders of a disability certificate apply for wheelchairs, walkers, hearing aids and "
        "other basic devices, fitted at home.",
        "door",
        "complex",
        "manual",
        weight=1.5,
        attributes=(
            A(
                "devices",
                "multivaluelist",
                "辅具",
                "Devices",
                True,
                (
                    ("wheelchair", "轮椅", "Wheelchair"),
                    ("walker", "助行器", "Walker"),
                    ("hearing_aid", "助听器", "Hearing aid"),
                    ("commode", "坐便椅", "Commode chair"),
                ),
            ),
            A("certificate", "string", "残疾证号", "Disability certificate number", True),
        ),
    ),
    S(
        "disability-rehab",
        "disability",
        "残疾人康复服务",
        "Rehabilitation for disabled people",
        "康复师上门开展肢体、言语和认知康复训练。",
        "Therapists visit for physical, speech and cognitive rehabilitation.",
        "door",
        "general",
        "manual",
        weight=1.5,
    ),
    # 优军服务保障 ---------------------------------------------------------------------------
    S(
        "veteran-support",
        "veterans",
        "退役军人帮扶",
        "Support for veterans",
        "退役军人就业、就医、困难帮扶和优待证办理。",
        "Jobs, medical care, hardship support and preferential treatment cards for veterans.",
        "door",
        "complex",
        "manual",
        weight=1.5,
        attributes=(
            A(
                "needs",
                "multivaluelist",
                "需要的帮助",
                "Help needed",
                True,
                (
                    ("jobs", "就业", "Employment"),
                    ("medical", "就医", "Medical care"),
                    ("hardship", "困难帮扶", "Hardship"),
                    ("card", "优待证办理", "Preferential card"),
                ),
            ),
        ),
    ),
    S(
        "veteran-visit",
        "veterans",
        "优抚对象走访慰问",
        "Visits to entitled groups",
        "重点优抚对象走访慰问和需求登记。",
        "Visits to disabled veterans and martyrs' families, recording their needs.",
        "door",
        "general",
        "manual",
        weight=0.8,
    ),
    # 文体服务保障 ---------------------------------------------------------------------------
    S(
        "rural-library",
        "public-culture",
        "农家书屋借阅",
        "Village library loans",
        "在农家书屋借书，或请管理员从县图书馆调书到村里。",
        "Borrow from the village library, or have a book brought from the county library.",
        "facility",
        "general",
        "grab",
        offered="rural",
        weight=3,
        attributes=(
            A("title", "string", "书名", "Book title", True),
            A("pickup", "datetime", "取书时间", "Pick-up time", earliest_days=0, latest_days=30),
        ),
    ),
    S(
        "opera-to-village",
        "public-culture",
        "送戏下乡",
        "Opera comes to the village",
        "村里点戏：花灯戏、阳戏、小品和歌舞，剧团到村演出。",
        "Villages choose a show — lantern opera, Yang opera, sketches, song and dance — and "
        "the troupe comes to perform.",
        "facility",
        "complex",
        "manual",
        offered="rural",
        weight=1.5,
        attributes=(
            A(
                "audience",
                "number",
                "预计观众人数",
                "Expected audience",
                minimum=1,
                maximum=10000,
                whole_number=True,
            ),
            A(
                "date",
                "datetime",
                "希望演出日期",
                "Preferred date",
                earliest_days=0,
                latest_days=365,
            ),
            A(
                "genre",
                "singlevaluelist",
                "剧种",
                "Genre",
                False,
                (
                    ("lantern", "花灯戏", "Lantern opera"),
                    ("yang", "阳戏", "Yang opera"),
                    ("sketch", "小品", "Sketches"),
                    ("song_dance", "歌舞", "Song and dance"),
                ),
            ),
        ),
    ),
    S(
        "film-screening",
        "public-culture",
        "电影放映",
        "Open-air film screening",
        "农村公益电影放映队到村放映，可点播故事片、科教片和戏曲片。",
        "The rural film team screens in the village; choose a feature, science or opera film.",
        "facility",
        "general",
        "manual",
        offered="rural",
        weight=2,
        attributes=(
            A(
                "film_type",
                "singlevaluelist",
                "影片类型",
                "Film type",
                False,
                (
                    ("feature", "故事片", "Feature film"),
                    ("science", "科教片", "Science and farming"),
                    ("opera", "戏曲片", "Opera film"),
                ),
            ),
        ),
    ),
    S(
        "fitness-guidance",
        "public-sports",
        "全民健身指导",
        "Fitness coaching",
        "社会体育指导员到广场、村文化广场指导健身。",
        "Community sports instructors coach fitness on town and village squares.",
        "facility",
        "general",
        "grab",
        weight=1.5,
    ),
    S(
        "fitness-equipment-repair",
        "public-sports",
        "健身器材报修",
        "Outdoor fitness equipment repair",
        "村（社区）健身路径器材损坏报修。",
        "Report broken outdoor fitness equipment in a village or community.",
        "door",
        "utilities",
        "manual",
        weight=1.5,
        attributes=(A("equipment", "string", "器材名称", "Which equipment", True),),
    ),
    S(
        "square-dance-training",
        "public-sports",
        "广场舞培训",
        "Square-dance classes",
        "（筹备中）广场舞队编排和培训。",
        "(In preparation) Choreography and classes for square-dance groups.",
        "facility",
        "general",
        "grab",
        weight=0,
        published=False,
    ),
]


# The words residents use, and what the menu calls them (catalog.Synonym; staff edit the
# list in the admin). Each expands a search holding the word into the menu's own words.
SYNONYMS: list[tuple[str, str]] = [
    ("低保", "最低生活保障 救助"),
    ("看病", "医生 卫生院 体检 医保 报销 随访"),
    ("看医生", "医生 卫生院"),
    ("吃饭", "助餐 送餐 送饭"),
    ("做饭", "助餐 送餐"),
    ("没电", "停电 用电故障"),
    ("断电", "停电 用电故障"),
    ("跳闸", "用电故障"),
    ("路灯", "路灯 用电故障"),
    ("没水", "停水 自来水"),
    ("水管", "漏水 自来水"),
    ("煤气", "燃气"),
    ("打针", "疫苗"),
    ("小孩", "儿童 婴幼儿"),
    ("孩子", "儿童 婴幼儿 留守"),
    ("上学", "助学金 学费 资助 送教"),
    ("找活", "就业 招聘 技能培训"),
    ("打工", "就业 招聘 失业"),
    ("房子", "危房 公租房 适老化"),
    ("漏雨", "危房 住房改造"),
    ("退休金", "养老金"),
    ("老人", "助老 养老 老年人"),
    ("剪头", "理发"),
    ("打官司", "法律援助 法律咨询"),
    ("律师", "法律"),
    ("残废", "残疾人"),
    ("退伍", "退役军人 优抚"),
    ("看书", "书屋 借阅"),
    ("看戏", "送戏"),
    ("看电影", "电影"),
]


@dataclass(frozen=True)
class DemoProvider:
    key: str
    name_zh: str
    name_en: str
    kind: str  # department / volunteer / social / enterprise
    regions: str | tuple[str, ...]  # "county", "urban", "rural" or township keys
    categories: tuple[str, ...]
    capacity: int
    phone: str
    quality: float = 0.9  # 0..1: how well it serves (drives the demo ratings)


P = DemoProvider
# fmt: off
PROVIDERS: list[DemoProvider] = [
    P("civil-affairs", "青溪县民政局", "Qingxi County Civil Affairs Bureau", "department",
      "county", ("social-assistance", "child-care"), 30, "0743-6100001", 0.88),
    P("health-commission", "青溪县卫生健康局", "Qingxi County Health Commission", "department",
      "county", ("public-health", "child-health", "prenatal", "family-planning"), 30,
      "0743-6100002", 0.9),
    P("hrss", "青溪县人力资源和社会保障局", "Qingxi County Human Resources and Social Security "
      "Bureau", "department", "county", ("jobs", "work-insurance", "pension", "vocational"), 30,
      "0743-6100003", 0.87),
    P("medical-security", "青溪县医疗保障局", "Qingxi County Healthcare Security Bureau",
      "department", "county", ("medical-insurance",), 20, "0743-6100004", 0.85),
    P("education", "青溪县教育局", "Qingxi County Education Bureau", "department", "county",
      ("preschool", "compulsory", "high-school", "vocational"), 15, "0743-6100005", 0.9),
    P("justice", "青溪县公共法律服务中心", "Qingxi County Public Legal Service Centre",
      "department", "county", ("legal-aid",), 15, "0743-6100006", 0.92),
    P("veterans", "青溪县退役军人事务局", "Qingxi County Veterans Affairs Bureau", "department",
      "county", ("veterans",), 10, "0743-6100007", 0.93),
    P("culture", "青溪县文化旅游广电体育局", "Qingxi County Culture, Tourism and Sports Bureau",
      "department", "county", ("public-culture", "public-sports"), 15, "0743-6100008", 0.88),
    P("housing", "青溪县住房和城乡建设局", "Qingxi County Housing and Construction Bureau",
      "department", "county", ("renovation", "public-rental"), 10, "0743-6100009", 0.8),
    P("disabled-federation", "青溪县残疾人联合会", "Qingxi County Disabled Persons' Federation",
      "department", "county", ("disability",), 10, "0743-6100010", 0.9),
    P("water", "青溪县自来水有限公司", "Qingxi Water Supply Co.", "enterprise", "county",
      ("water-supply",), 40, "0743-6200001", 0.86),
    P("power", "国网青溪县供电公司", "State Grid Qingxi Power Supply Co.", "enterprise", "county",
      ("power-supply",), 40, "0743-6200002", 0.9),
    P("gas", "青溪华源燃气有限公司", "Qingxi Huayuan Gas Co.", "enterprise", "urban",
      ("gas-supply",), 20, "0743-6200003", 0.92),
    P("ankang", "青溪安康家政服务有限公司", "Ankang Home Services Co.", "enterprise",
      ("chengguan", "xikou", "baisha"), ("elderly-care",), 25, "0743-6200004", 0.84),
    P("cinema", "青溪星光农村电影放映有限公司", "Starlight Rural Cinema Co.", "enterprise",
      "county", ("public-culture",), 8, "0743-6200005", 0.9),
    P("skills-school", "青溪县职业技能培训学校", "Qingxi Vocational Skills School", "enterprise",
      "county", ("jobs", "vocational"), 20, "0743-6200006", 0.86),
    P("sunset", "青溪县夕阳红养老服务中心", "Sunset Glow Elderly Care Centre", "social",
      "county", ("elderly-care",), 30, "0743-6300001", 0.91),
    P("sunshine", "青溪县阳光社会工作服务中心", "Sunshine Social Work Centre", "social", "county",
      ("child-care", "disability", "social-assistance"), 20, "0743-6300002", 0.88),
    P("red-cross", "青溪县红十字会", "Qingxi County Red Cross", "social", "county",
      ("social-assistance", "public-health"), 10, "0743-6300003", 0.87),
    P("lawyers", "青溪县律师协会", "Qingxi County Bar Association", "social", "county",
      ("legal-aid",), 15, "0743-6300004", 0.89),
    P("lantern-troupe", "青溪县花灯戏剧团", "Qingxi Lantern Opera Troupe", "social", "rural",
      ("public-culture",), 4, "0743-6300005", 0.95),
    P("chengguan-clinic", "城关镇社区卫生服务中心", "Chengguan Community Health Centre",
      "department", ("chengguan",), ("public-health", "child-health", "prenatal"), 25,
      "0743-6400001", 0.9),
    P("xikou-clinic", "溪口镇卫生院", "Xikou Township Health Centre", "department",
      ("xikou", "shimen"), ("public-health", "child-health", "prenatal"), 20, "0743-6400002",
      0.86),
    P("longtan-clinic", "龙潭镇卫生院", "Longtan Township Health Centre", "department",
      ("longtan", "chayuan", "taohua"), ("public-health", "child-health", "prenatal"), 20,
      "0743-6400003", 0.88),
    P("shuanghe-clinic", "双河乡卫生院", "Shuanghe Township Health Centre", "department",
      ("shuanghe", "yuntai", "shanmu"), ("public-health", "child-health", "prenatal"), 15,
      "0743-6400004", 0.8),
    P("liuping-clinic", "柳坪乡卫生院", "Liuping Township Health Centre", "department",
      ("liuping", "gaofeng", "baisha"), ("public-health", "child-health", "prenatal"), 15,
      "0743-6400005", 0.82),
    P("youth-volunteers", "青溪县青年志愿者协会", "Qingxi Youth Volunteers Association",
      "volunteer", "county", ("public-culture", "public-sports", "child-care", "elderly-care"),
      15, "0743-6500001", 0.9),
    P("women-volunteers", "青溪县巾帼志愿服务队", "Qingxi Women's Volunteer Team", "volunteer",
      "county", ("child-care", "prenatal", "elderly-care"), 10, "0743-6500002", 0.93),
    P("chengguan-volunteers", "城关镇社区志愿服务队", "Chengguan Community Volunteers",
      "volunteer", ("chengguan",), ("elderly-care", "child-care", "disability"), 12,
      "0743-6500003", 0.9),
    P("xikou-volunteers", "溪口镇新时代文明实践志愿服务队", "Xikou Civic Volunteers", "volunteer",
      ("xikou",), ("elderly-care", "child-care", "public-culture", "disability"), 12,
      "0743-6500004", 0.87),
    P("longtan-volunteers", "龙潭镇志愿服务队", "Longtan Volunteer Team", "volunteer",
      ("longtan",), ("elderly-care", "child-care", "public-culture", "disability"), 20,
      "0743-6500005", 0.92),
    P("chayuan-volunteers", "茶园乡志愿服务队", "Chayuan Volunteer Team", "volunteer",
      ("chayuan",), ("elderly-care", "child-care", "public-culture"), 10, "0743-6500006", 0.78),
]
# fmt: on


# --- the catalog rows -------------------------------------------------------------------------


@dataclass
class SeededService:
    """A menu entry as written, with the places it is ordered from (``cum``: their
    cumulative demand weights, for drawing one)."""

    spec: DemoService
    obj: Service
    category_id: int
    area_id: int
    urgency_id: int
    attributes: list[ServiceAttribute]
    places: list[Place] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)


@dataclass
class SeededProvider:
    """A provider as written, with where and what it serves and its staff's user ids."""

    obj: Provider
    key: str
    towns: list[str]  # township keys or ["county"]
    categories: list[str]
    quality: float
    staff: list[int] = field(default_factory=list)


def build_catalog(
    county: Region, towns: list[Region]
) -> tuple[list[SeededService], list[SeededProvider], dict[str, Category]]:
    """Write the local categories, the menu with its questions and the regions offering it,
    and the providers with their coverage."""
    town_by_key = {t[0]: town for t, town in zip(TOWNSHIPS, towns, strict=True)}
    areas = {a.code: a for a in ServiceArea.objects.all()}
    for area_code, code, zh, en in LOCAL_CATEGORIES:
        Category.objects.get_or_create(
            code=code,
            defaults={"area": areas[area_code], "name_zh": zh, "name_en": en, "position": 90},
        )
    categories = {c.code: c for c in Category.objects.all()}
    urgencies = dict(UrgencyClass.objects.values_list("code", "pk"))
    # A word the county already lists keeps its meaning (staff may have edited it); the
    # list outlives a demo reset, as county data.
    Synonym.objects.bulk_create(
        [Synonym(word=word, means=means) for word, means in SYNONYMS], ignore_conflicts=True
    )

    def regions_of(spec: str | tuple[str, ...]) -> list[Region]:
        keys = townships_for(spec)
        return [county] if keys == ["county"] else [town_by_key[k] for k in keys]

    services = [
        Service(
            code=s.code,
            category=categories[s.category],
            name_zh=s.name_zh,
            name_en=s.name_en,
            description_zh=s.description_zh,
            description_en=s.description_en,
            delivery_mode=s.delivery,
            urgency_id=urgencies[s.urgency],
            dispatch_mode=s.dispatch,
            published=s.published,
            keywords=s.keywords,
        )
        for s in SERVICES
    ]
    Service.objects.bulk_create(services)
    through = Service.regions.through
    through.objects.bulk_create(
        [
            through(service_id=obj.pk, region_id=r.pk)
            for s, obj in zip(SERVICES, services, strict=True)
            for r in regions_of(s.offered)
        ]
    )
    attributes: list[ServiceAttribute] = []
    svcs: list[SeededService] = []
    for s, obj in zip(SERVICES, services, strict=True):
        attrs = [
            ServiceAttribute(
                service=obj,
                code=a.code,
                label_zh=a.label_zh,
                label_en=a.label_en,
                datatype=a.datatype,
                required=a.required,
                position=i + 1,
                choices=[{"key": k, "name_zh": zh, "name_en": en} for k, zh, en in a.choices],
                minimum=a.minimum,
                maximum=a.maximum,
                whole_number=a.whole_number,
                earliest_days=a.earliest_days,
                latest_days=a.latest_days,
            )
            for i, a in enumerate(s.attributes)
        ]
        attributes.extend(attrs)
        cat = categories[s.category]
        svcs.append(SeededService(s, obj, cat.pk, cat.area_id, urgencies[s.urgency], attrs))
    ServiceAttribute.objects.bulk_create(attributes)

    providers: list[SeededProvider] = []
    for p in PROVIDERS:
        keys = townships_for(p.regions)
        base = county if keys == ["county"] else town_by_key[keys[0]]
        assert base.latitude is not None and base.longitude is not None
        pobj = Provider.objects.create(
            name_zh=p.name_zh,
            name_en=p.name_en,
            kind=p.kind,
            daily_capacity=p.capacity,
            latitude=round(base.latitude + 0.004, 5),
            longitude=round(base.longitude + 0.004, 5),
            phone=p.phone,
        )
        pobj.regions.set(regions_of(p.regions))
        pobj.categories.set([categories[c] for c in p.categories])
        providers.append(SeededProvider(pobj, p.key, keys, list(p.categories), p.quality))
    return svcs, providers, categories


# issue 10, medicines: residents name a medicine their clinic lacks (docs/medicines.md). No
# weight: the history never draws it; ``demo.facilities_medicines`` publishes it and writes
# its orders (so the rest of the demo's random history stays as it was).
SERVICES.append(
    S(
        "medicine-request",
        "public-health",
        "药品需求登记",
        "Medicine request",
        "村卫生室没有您需要的药？登记药名，县里汇总后调整各村可配的药品目录，并帮您联系能配药的地方。",
        "Your village clinic lacks a medicine you need? Name it: the county adds up the "
        "requests to widen what clinics may dispense, and tells you where to get it meanwhile.",
        "facility",
        "general",
        "manual",
        weight=0,
        published=False,
        keywords="买药 缺药 配药 药品 胰岛素 降压药",
        attributes=(
            A(
                "medicine",
                "singlevaluelist",
                "需要什么药？",
                "Which medicine?",
                required=True,
                choices=(
                    ("insulin-regular", "胰岛素", "Insulin"),
                    ("amlodipine", "氨氯地平（降压药）", "Amlodipine (blood pressure)"),
                    ("nifedipine", "硝苯地平（降压药）", "Nifedipine (blood pressure)"),
                    ("losartan", "氯沙坦（降压药）", "Losartan (blood pressure)"),
                    ("metformin", "二甲双胍（降糖药）", "Metformin (diabetes)"),
                    ("atorvastatin", "阿托伐他汀（降脂药）", "Atorvastatin (cholesterol)"),
                    ("salbutamol", "沙丁胺醇（哮喘）", "Salbutamol (asthma)"),
                    ("suxiao-jiuxin", "速效救心丸", "Suxiao Jiuxin pills"),
                    ("other", "其他（请写药名）", "Other (write its name)"),
                ),
            ),
            A("medicine_text", "string", "其他药名", "Other medicine's name"),
        ),
    )
)
