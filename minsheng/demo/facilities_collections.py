"""The demo county's book collections (issue 10, part 5): every bookshop a collection.

Each bookshop holds about a hundred titles (60 to 150) with copies, about 1,500 copies in all
as the national standard for a village bookshop asks, drawn from a pool of Chinese titles per
top-level CLC class made by combining a subject with a form ("水稻" + "高产栽培技术"). Most
collections are mixed (agriculture and literature first, then health, law, culture, history,
economics, technology...) and fairly fresh: neither stale nor of one kind by
``facilities.freshness``. The stories (``facility_stories``) differ: ``idle_stale`` and
``idle_two_causes`` hold old books (median age above twelve years); ``idle_one_kind`` holds
mostly policy compilations (class D).

Loans in the last twelve months follow the copies, the class (literature, agriculture and
health are lent most) and the age (new books more), and are low at the idle bookshops.

Residents' book orders (menu service ``rural-library``) get book titles as their ``title``
answer (the order history writes a placeholder for free text): mostly titles the village's
bookshop holds or titles of the pool it lacks, sometimes a class by name ("农业科学"), so the
acquisition list has real requests to rank.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from minsheng.demo.facilities import DemoFacilities
from minsheng.demo.facility_stories import Stories
from minsheng.facilities.freshness import Holding, figures, is_one_kind, is_stale
from minsheng.facilities.models import Kind, Title
from minsheng.orders.models import Order

# class letter -> groups of (subjects, forms): a title is a subject followed by a form of
# its group ("水稻" + "高产栽培技术", "生猪" + "养殖技术").
POOL: dict[str, list[tuple[list[str], list[str]]]] = {
    "A": [(["毛泽东", "邓小平"], ["著作选读", "思想通俗读本"]),
          (["马克思主义基本原理", "新时代思想"], ["学习纲要", "通俗读本"])],
    "B": [(["论语", "道德经", "传统美德", "人生哲学"], ["通俗读本", "中的智慧"]),
          (["心理学", "心理健康"], ["入门", "自助手册"])],
    "C": [(["乡村社会", "社会调查", "农村统计"], ["入门", "方法", "实用手册"])],
    "D": [(["乡村振兴政策", "民法典", "土地承包法", "村民自治", "农村低保政策", "社会保险",
            "劳动合同法", "婚姻家庭法", "惠农补贴政策", "信访条例", "农村宅基地政策",
            "医疗保障政策", "退役军人政策", "乡村治理", "村务公开", "反电信诈骗"],
           ["汇编", "问答", "学习读本", "图解", "百问百答", "以案说法"])],
    "E": [(["国防教育", "军事常识", "民兵训练"], ["读本", "知识问答"])],
    "F": [(["农村电商", "合作社", "家庭农场", "乡村旅游", "农产品营销", "小额信贷", "直播带货"],
           ["实战指南", "经营管理", "从入门到精通", "案例精选", "实用手册"])],
    "G": [(["家庭教育", "留守儿童关爱", "全民健身", "广场舞", "青少年阅读", "科普活动"],
           ["指南", "百问", "实用手册", "读本"])],
    "H": [(["成语故事", "普通话", "实用英语", "书信写作", "汉字书写"], ["手册", "自学读本", "入门"])],
    "I": [(["平凡的世界", "人生", "白鹿原", "活着", "围城", "骆驼祥子", "红楼梦", "西游记",
            "水浒传", "三国演义", "乡土中国故事", "安徒生童话", "唐诗三百首", "宋词三百首",
            "民间故事", "红岩", "长征故事", "朝花夕拾"],
           ["", "（插图本）", "（青少版）", "（大字本）"])],
    "J": [(["剪纸", "书法", "国画", "民歌", "花灯戏", "摄影", "刺绣"], ["入门", "技法", "欣赏", "教程"])],
    "K": [(["中国历史", "地方志", "红军长征", "中华上下五千年", "世界地理", "家乡风物"],
           ["故事", "图说", "通俗读本", "简明读本"])],
    "N": [(["科学", "自然", "十万个为什么"], ["百科", "问答", "图鉴"])],
    "O": [(["趣味数学", "生活中的物理", "身边的化学"], ["故事", "实验", "入门"])],
    "P": [(["气象", "地质灾害", "天文"], ["防范知识", "科普", "入门"])],
    "Q": [(["植物", "昆虫", "鸟类"], ["图鉴", "识别", "的世界"])],
    "R": [(["高血压", "糖尿病", "常见病", "传染病", "慢性病"],
           ["防治", "百问百答", "家庭手册", "自我管理"]),
          (["中医养生", "家庭急救", "老年保健", "孕产育儿", "合理用药"],
           ["百问百答", "家庭手册", "知识读本"])],
    "S": [(["水稻", "玉米", "茶叶", "柑橘", "中药材", "大棚蔬菜", "果树", "油菜", "马铃薯", "食用菌"],
           ["高产栽培技术", "病虫害防治", "种植手册", "绿色生产技术", "新品种与新技术"]),
          (["生猪", "肉牛", "蛋鸡", "山羊", "蜜蜂", "稻田养鱼"],
           ["养殖技术", "疫病防治", "饲养管理手册", "实用技术问答"]),
          (["土壤肥料", "农药"], ["科学使用", "实用手册"])],
    "T": [(["家电维修", "农机使用与维修", "电工", "焊工", "智能手机使用", "建筑施工"],
           ["入门", "实用技术", "速成", "技能培训教材"])],
    "U": [(["汽车驾驶", "农村公路", "交通安全"], ["读本", "手册", "常识"])],
    "V": [(["航空", "航天"], ["科普", "故事"])],
    "X": [(["农村环境整治", "垃圾分类", "安全生产", "防灾减灾", "消防"], ["手册", "读本", "知识问答"])],
    "Z": [(["农家百事通", "生活百科", "农民实用知识"], ["大全", "手册"])],
}  # fmt: skip

# A mixed village collection: the share of titles per class (the rest 1 each).
MIXED_WEIGHTS = {
    "S": 18, "I": 18, "R": 10, "D": 8, "G": 8, "K": 7, "F": 6, "T": 5, "J": 4, "Z": 3,
    "B": 2, "H": 2, "X": 2, "A": 2, "N": 1, "O": 1, "P": 1, "Q": 1, "C": 1, "E": 1, "U": 1,
    "V": 1,
}  # fmt: skip
ONE_KIND_WEIGHTS = {"D": 80, "A": 6, "S": 5, "I": 5, "R": 2, "F": 2}
# Loans a year per copy by class, before age: what villagers borrow.
LOAN_RATE = {"I": 0.9, "S": 0.7, "R": 0.6, "G": 0.4, "F": 0.4, "K": 0.35, "T": 0.35, "J": 0.3}
REQUEST_CLASS_NAMES = ["农业科学", "医药、卫生", "文学"]


def pool(letter: str) -> list[str]:
    return [f"{s}{f}" for subjects, forms in POOL[letter] for s in subjects for f in forms]


@dataclass(frozen=True)
class _Draft:
    title: str
    subject: str
    year: int
    copies: int
    loans: int


def _draw(
    rng: random.Random, year: int, *, weights: dict[str, int], old: bool, idle: bool
) -> list[_Draft]:
    n = rng.randint(60, 150)
    letters = list(weights)
    chosen = rng.choices(letters, weights=[weights[c] for c in letters], k=n)
    per_title = max(1, round(1500 / n))  # about 1,500 copies in all
    seen: set[str] = set()
    out = []
    for letter in chosen:
        names = [t for t in pool(letter) if t not in seen]
        if not names:
            continue
        name = rng.choice(names)
        seen.add(name)
        age = rng.randint(11, 24) if old else rng.choice([0, 1, 2, 3, 4, 5, 6, 8, 10, 13])
        copies = max(1, min(60, round(rng.uniform(0.4, 1.6) * per_title)))
        rate = LOAN_RATE.get(letter, 0.15) * (1.4 if age < 5 else 1.0) * (0.15 if idle else 1.0)
        loans = sum(1 for _i in range(copies) if rng.random() < min(0.95, rate))
        out.append(_Draft(name, letter, year - age, copies, loans))
    return out


def _holdings(drafts: list[_Draft]) -> list[Holding]:
    return [Holding(d.subject, d.year, d.copies, d.loans) for d in drafts]


def seed_collections(
    *, facilities: DemoFacilities, story: Stories, now: datetime, seed: int
) -> int:
    """Write every bookshop's titles and the book orders' titles; the number of titles."""
    rng = random.Random(seed * 7877 + 3)
    today = timezone.localdate(now)
    year = today.year
    old = {story.idle_stale.pk, story.idle_two_causes.pk}
    one_kind = {story.idle_one_kind.pk}
    idle = {f.pk for f in story.idle}
    titles: list[Title] = []
    held: dict[int, list[str]] = {}
    for shop in facilities.of(Kind.BOOKSHOP):
        weights = ONE_KIND_WEIGHTS if shop.pk in one_kind else MIXED_WEIGHTS
        for _attempt in range(20):
            drafts = _draw(rng, year, weights=weights, old=shop.pk in old, idle=shop.pk in idle)
            f = figures(_holdings(drafts), as_of=year)
            if shop.pk in old:
                ok = (f.median_age or 0) > 12 and not is_one_kind(f)
            elif shop.pk in one_kind:
                ok = (f.largest_share or 0) >= 0.6 and not is_stale(f)
            else:
                ok = not is_stale(f) and not is_one_kind(f)
            if ok:
                break
        held[shop.region_id] = [d.title for d in drafts]
        titles.extend(
            Title(
                facility_id=shop.pk,
                title=d.title,
                subject=d.subject,
                year=d.year,
                copies=d.copies,
                loans=d.loans,
                added_on=date(max(d.year, year - 10), 6, 1)
                if d.year < year
                else today - timedelta(days=rng.randint(0, 60)),
            )
            for d in drafts
        )
    Title.objects.bulk_create(titles, batch_size=2000)
    _name_book_orders(rng, held)
    return len(titles)


def _name_book_orders(rng: random.Random, held: dict[int, list[str]]) -> None:
    """Give the residents' book orders real titles (the village's own, or wanted ones)."""
    wanted = [t for letter in ("S", "I", "R", "F", "G") for t in pool(letter)]
    orders = list(
        Order.objects.filter(service__code="rural-library").only("pk", "region", "answers")
    )
    for order in orders:
        own = held.get(order.region_id, [])
        roll = rng.random()
        if roll < 0.1:
            text = rng.choice(REQUEST_CLASS_NAMES)
        elif roll < 0.55 and own:
            text = rng.choice(own)
        else:
            text = rng.choice(wanted[:40]) if rng.random() < 0.7 else rng.choice(wanted)
        answers = dict(order.answers or {})
        answers["title"] = text
        order.answers = answers
    Order.objects.bulk_update(orders, ["answers"], batch_size=1000)
