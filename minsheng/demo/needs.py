"""What the demo's residents write when they order: the need in their own words.

Real order texts are short and colloquial, often name a place or a person, and the same
problem comes in many wordings; the monthly topic groups them (``minsheng.voice``), so the
demo's texts must look like that, not like the menu. Each order draws one of its
service's phrases, sometimes with a place in front, from its own random stream (seeded by
the order's number), so the rest of the demo's history stays as it was.
"""

from __future__ import annotations

import random

NEEDS: dict[str, list[str]] = {
    "child-vaccination": [
        "孩子该打第二针了，想约个时间",
        "娃满八个月了，麻疹疫苗在哪打",
        "疫苗本找不到了，还能接着打吗",
        "卫生院说疫苗没到货，什么时候能打",
        "孙子要打流感疫苗，周末能不能约",
    ],
    "prenatal-checkup": [
        "怀孕三个月了，想建档做产检",
        "产检要去县里太远，镇上能不能做",
        "儿媳妇快生了，想问产检时间",
        "第一次怀孕，不知道要做哪些检查",
    ],
    "left-behind-children": [
        "孩子爸妈都在外打工，孩子不爱说话",
        "孙子放学没人管，天天玩手机",
        "留守娃成绩下滑，想找人辅导一下",
        "隔壁家小孩一个人在家，没人照看",
    ],
    "infant-care-guidance": [
        "宝宝夜里老哭，不知道怎么带",
        "孩子一岁了还不会爬，想请医生看看",
        "奶粉怎么冲调，想有人上门教一下",
        "孩子辅食不知道怎么加",
    ],
    "preschool-aid": [
        "家里困难，幼儿园学费交不起",
        "想申请学前资助，要准备什么材料",
        "孩子上幼儿园的补助怎么领",
    ],
    "home-schooling": [
        "孩子腿脚不好去不了学校，能不能送教",
        "娃身体不好长期在家，老师能上门吗",
        "重度残疾的孩子也想读书",
    ],
    "high-school-grant": [
        "孩子考上高中了，助学金怎么申请",
        "家里是低保户，高中助学金有没有",
        "助学金上学期没发下来",
    ],
    "vocational-tuition": [
        "孩子读职高，学费能不能免",
        "中职免学费要交什么证明",
        "职校学费免了，住宿费还要交吗",
    ],
    "job-info": [
        "想在县城附近找个活干",
        "五十多岁了，还有没有厂里招人",
        "有没有适合妇女的零工",
        "回乡了，想找份稳定工作",
        "哪里招保洁，想去试试",
    ],
    "skills-training": [
        "想学电焊，有没有免费培训",
        "家政培训什么时候开班",
        "想学种植技术，村里能不能办班",
        "学个手艺，月嫂培训怎么报名",
    ],
    "startup-loan": [
        "想开个小卖部，贷款怎么申请",
        "养鸡缺资金，有没有贴息贷款",
        "返乡创业贷款要什么担保",
    ],
    "unemployment-registration": [
        "厂子倒闭了，失业金怎么领",
        "被辞退了，想做失业登记",
        "失业保险金还能领几个月",
    ],
    "work-injury": [
        "在工地摔伤了，老板不认",
        "干活时手被机器压了，算不算工伤",
        "工伤鉴定去哪里办",
    ],
    "family-doctor": [
        "想签个家庭医生，平时好有人问",
        "家庭医生签了一年没来过",
        "老人腿脚不便，医生能不能上门",
        "签约医生的电话打不通",
    ],
    "chronic-followup": [
        "高血压的药吃完了，卫生室没有",
        "糖尿病好久没人来随访了",
        "血压一直降不下来，想找医生看看",
        "村卫生室缺降压药，要跑到镇上拿",
        "老伴血糖高，测血糖的试纸用完了",
    ],
    "elderly-health-check": [
        "今年的老年人体检什么时候",
        "体检要空腹吗，几点去",
        "去年体检报告没拿到",
        "老人走不动，体检能不能在村里做",
    ],
    "medical-insurance-enrol": [
        "明年的医保怎么交",
        "医保费用又涨了，交不起",
        "外地打工的孩子医保在哪交",
        "新生儿医保怎么办",
    ],
    "medical-reimbursement": [
        "住院的钱报销了多少不清楚",
        "在县外住院能不能报",
        "报销材料交上去两个月没消息",
        "门诊慢特病的药费怎么报",
    ],
    "family-planning-support": [
        "独生子女父母的扶助金怎么申请",
        "扶助金今年还没到账",
        "失独家庭有没有补助",
    ],
    "meal-delivery": [
        "老人一个人住，做不了饭",
        "我妈腿脚不好，中午能不能送饭",
        "老伴住院了，我一个人吃饭成问题",
        "送来的饭菜太硬了，老人咬不动",
        "送餐经常晚到，饭都凉了",
        "九十岁老人独居，吃饭靠邻居接济",
    ],
    "home-haircut": [
        "老人卧床，想请人上门理发",
        "爷爷好久没理发了，走不动",
        "能不能每月上门理一次发",
    ],
    "home-cleaning": [
        "家里好久没打扫，老人弯不下腰",
        "独居老人屋里太乱，想请人收拾",
        "过年前想请人来搞个卫生",
    ],
    "elderly-daycare": [
        "白天子女上班，老人没人陪",
        "日间照料中心总是关着门",
        "想送老人去日照中心，怎么报名",
        "照料中心饭菜能不能便宜点",
    ],
    "pension-certification": [
        "养老金认证不会在手机上弄",
        "老人卧床，认证能不能上门",
        "认证没通过，养老金停了",
        "每年都要认证，太麻烦了",
    ],
    "smart-wristband": [
        "独居老人想申请一个手环",
        "手环没电了，不会充",
        "手环摔倒报警不灵",
    ],
    "dilapidated-house": [
        "房子墙裂了，下雨天害怕",
        "老屋漏雨，屋顶快塌了",
        "土坯房住着不安全，想申请改造",
        "危房改造的钱什么时候拨",
    ],
    "public-rental": [
        "在县城打工，想申请公租房",
        "公租房排了一年还没排到",
        "公租房租金能不能减",
    ],
    "age-friendly-retrofit": [
        "厕所没有扶手，老人摔过一次",
        "家门口台阶太高，轮椅上不去",
        "想装个扶手和防滑垫",
        "卫生间地滑，老人洗澡不安全",
    ],
    "water-repair": [
        "自来水停了两天了",
        "水管爆了，路上全是水",
        "水龙头出来的水是黄的",
        "水压太小，二楼上不去水",
        "一到晚上就没水，做饭都难",
        "村口的水管冻裂了",
    ],
    "power-repair": [
        "家里停电了，冰箱里的东西要坏了",
        "路灯坏了好几天，晚上黑乎乎的",
        "村口的灯晚上不亮",
        "电压不稳，灯一闪一闪",
        "电线被树压着，怕出事",
        "三组的路灯一直不亮，走夜路害怕",
    ],
    "gas-leak": [
        "厨房有一股煤气味",
        "燃气灶打不着火，闻到味道",
        "楼道里闻到燃气味，很担心",
    ],
    "temporary-assistance": [
        "家里着火了，东西都烧没了",
        "孩子生了大病，医药费凑不齐",
        "男人出车祸，家里一下没了收入",
        "遭了水灾，房子进水了",
    ],
    "subsistence-allowance": [
        "家里困难，想申请低保",
        "低保怎么突然停了",
        "低保金这个月没到账",
        "低保复核要交什么材料",
    ],
    "legal-consultation": [
        "邻居占了我家宅基地",
        "土地承包合同到期了，怎么续",
        "打工的工资被拖欠了",
        "离婚后孩子抚养费不给",
        "婚前的房子怎么分",
    ],
    "legal-aid": [
        "被拖欠工资，请不起律师",
        "工伤官司想申请法律援助",
        "交通事故对方不赔钱",
    ],
    "assistive-devices": [
        "老人需要一辆轮椅",
        "助听器坏了，想换一个",
        "拐杖断了，能不能申请新的",
    ],
    "disability-rehab": [
        "孩子脑瘫，想做康复训练",
        "中风后手脚不灵，想做康复",
        "康复中心太远，能不能上门",
    ],
    "veteran-support": [
        "退伍回来，想找点事做",
        "老兵看病困难，有没有帮扶",
        "退役军人优待证怎么办",
    ],
    "veteran-visit": [
        "老党员老兵身体不好，想有人来看看",
        "烈属家里困难，过节能不能来慰问",
    ],
    "rural-library": [
        "书屋老是锁着门，借不到书",
        "书屋里都是旧书，没有孩子看的",
        "想借几本种植养殖的书",
        "书屋开门时间太短了",
        "书都是政策汇编，没人看",
    ],
    "opera-to-village": [
        "好久没唱戏了，老人想看花鼓戏",
        "过年能不能请戏班子来村里",
        "送戏下乡能不能多来几次",
    ],
    "film-screening": [
        "村里好久没放电影了",
        "放电影能不能放新片子",
        "夏天晚上想在晒谷坪看电影",
    ],
    "fitness-guidance": [
        "想学太极拳，有没有人教",
        "老年人锻炼不知道怎么练",
        "想请个教练教教八段锦",
    ],
    "fitness-equipment-repair": [
        "广场上的健身器材坏了",
        "单杠松了，小孩玩很危险",
        "健身器材生锈了，好几个不能用",
        "跑步机坏了没人修",
    ],
    "square-dance-training": [
        "想学广场舞，有没有老师",
        "广场舞队想学新舞",
        "跳舞的音响坏了，能不能帮忙",
    ],
}

PLACES = ["", "", "", "三组", "村口", "我家", "隔壁王大爷家", "老屋那边", "学校旁边", "五组"]
TAILS = ["", "", "。", "，麻烦看一下。", "，谢谢！", "，急！", "，麻烦尽快处理。", "，请帮帮忙。"]


def need_text(service_code: str, number: int, tail: str) -> str:
    """The need of the ``number``-th order of a service, in the resident's words; ``tail``
    is the order's note (when to call, who lives there), kept after it."""
    phrases = NEEDS.get(service_code)
    if not phrases:
        return tail
    draw = random.Random(f"{service_code}:{number}")
    place = draw.choice(PLACES)
    text = draw.choice(phrases)
    if place and "组" not in text and not text.startswith(("我", "家", "村", "隔壁")):
        text = f"{place}{text}" if place.endswith("组") else f"{place}，{text}"
    text += draw.choice(TAILS)
    if tail:
        text = (
            f"{text.rstrip('。')}。{tail}" if not text.endswith(("！", "。")) else f"{text}{tail}"
        )
    return text[:500]
