"""The default indicators (issue 11): what the platform measures per service area and the
standard each should reach. Editable afterwards (standard, weight, active) on the indicators
page; docs/balance.md gives every formula. The list is kept here, not imported from the
code, so that the migration stays what it was when it ran."""

from django.db import migrations

# (code, area code or None, dimension, source, unit, higher is better, standard, basis,
#  note, weight, name_zh, name_en)
N, C = "national", "county"
AREAS_WITHOUT_FACILITIES = [
    ("childcare", "育幼", "childcare", 8.0),
    ("education", "教育", "education", 6.0),
    ("employment", "就业", "employment", 5.0),
    ("housing", "住房", "housing", 3.0),
    ("vulnerable", "弱有所扶", "support for the vulnerable", 5.0),
    ("military", "优军", "military services", 1.0),
]
DEFAULTS = [
    # health (病有所医)
    ("health_facilities_per_10k", "health", "supply", "computed", "per 10,000", True, 8.0, C,
     "一村一室：每个行政村设村卫生室（国家基本公共服务标准2023）；按本县村平均人口折算为每万人8个",
     1.0, "每万人医疗卫生机构数", "Health facilities per 10,000 residents"),
    ("health_equipment_working", "health", "supply", "computed", "share", True, 1.0, N,
     "村卫生室、乡镇卫生院基本设备配置标准：全部在用完好", 1.0,
     "标准设备完好率", "Working share of the standard equipment"),
    ("health_doctors_per_1000", "health", "supply", "imported", "per 1,000", True, 3.2, N,
     "每千人口执业（助理）医师数3.2（“十四五”国民健康规划，2025年目标）；卫健部门统计导入", 1.0,
     "每千人口执业（助理）医师数", "Practising doctors per 1,000 residents"),
    ("health_access_3km", "health", "access", "computed", "share", True, 0.9, C,
     "15分钟健康服务圈：九成居民3公里内有开放的医疗点（县定）", 1.0,
     "3公里内有医疗点的居民占比", "Residents within 3 km of a health facility"),
    ("health_use_per_resident", "health", "use", "computed", "per resident a month", True, 0.15, C,
     "县定：每人每月0.15人次就诊（设施使用计数）", 1.0,
     "人均医疗设施使用", "Health facility use per resident"),
    ("health_orders_per_1000", "health", "use", "computed", "per 1,000 a month", True, 8.0, C,
     "县定：每千人每月8单医疗服务点单", 1.0,
     "每千人医疗点单数", "Health orders per 1,000 residents"),
    ("health_unmet_share", "health", "outcome", "computed", "share", False, 0.1, C,
     "县定：未满足需求不超过一成", 1.0,
     "医疗需求未满足率", "Unmet share of health orders"),
    ("health_service_kinds", "health", "variety", "computed", "kinds a quarter", True, 1.0, C,
     "县定：每村每季度至少收到1种医疗服务", 0.5,
     "收到的医疗服务种类", "Kinds of health services received"),
    # elderly (老有所养)
    ("elderly_facilities_per_10k", "elderly", "supply", "computed", "per 10,000", True, 5.0, C,
     "村级互助养老服务点覆盖（县定，按村平均人口折算为每万人5个）", 1.0,
     "每万人养老服务点数", "Elderly-care points per 10,000 residents"),
    ("elderly_beds_per_1000", "elderly", "supply", "imported", "per 1,000 elderly", True, 35.0, C,
     "每千名老年人养老床位35张（县定）；民政部门统计导入", 1.0,
     "每千名老年人养老床位", "Care beds per 1,000 older residents"),
    ("elderly_access_2km", "elderly", "access", "computed", "share", True, 0.8, C,
     "县定：八成居民2公里内有养老服务点", 1.0,
     "2公里内有养老服务点的居民占比", "Residents within 2 km of an elderly-care point"),
    ("elderly_use_per_resident", "elderly", "use", "computed", "per resident a month", True, 0.05, C,
     "县定：每人每月0.05人次（设施使用计数）", 1.0,
     "人均养老设施使用", "Elderly-care facility use per resident"),
    ("elderly_orders_per_1000", "elderly", "use", "computed", "per 1,000 a month", True, 6.0, C,
     "县定：每千人每月6单养老服务点单", 1.0,
     "每千人养老点单数", "Elderly-care orders per 1,000 residents"),
    ("elderly_unmet_share", "elderly", "outcome", "computed", "share", False, 0.1, C,
     "县定：未满足需求不超过一成", 1.0,
     "养老需求未满足率", "Unmet share of elderly-care orders"),
    ("elderly_service_kinds", "elderly", "variety", "computed", "kinds a quarter", True, 1.0, C,
     "县定：每村每季度至少收到1种养老服务", 0.5,
     "收到的养老服务种类", "Kinds of elderly-care services received"),
    # culture and sports (文体服务保障)
    ("culture_facilities_per_10k", "culture-sports", "supply", "computed", "per 10,000", True,
     15.0, C, "村综合文化服务中心、农家书屋、健身场地全覆盖（国家基本公共服务标准2023）；县定每万人15处",
     1.0, "每万人文体设施数", "Culture and sports facilities per 10,000 residents"),
    ("culture_collection_freshness", "culture-sports", "supply", "computed", "share", True, 0.3,
     C, "县定：农家书屋三成藏书出版不满5年（逐年补充更新）", 1.0,
     "近5年出版藏书占比", "Share of books under five years old"),
    ("culture_sports_area", "culture-sports", "supply", "imported", "m² per resident", True, 2.6,
     N, "人均体育场地面积2.6平方米（全民健身计划2021—2025年）；体育部门统计导入", 1.0,
     "人均体育场地面积", "Sports ground area per resident"),
    ("culture_access_2km", "culture-sports", "access", "computed", "share", True, 0.9, C,
     "县定：九成居民2公里内有文体设施", 1.0,
     "2公里内有文体设施的居民占比", "Residents within 2 km of a culture or sports facility"),
    ("culture_use_per_resident", "culture-sports", "use", "computed", "per resident a month",
     True, 0.3, C, "县定：每人每月0.3人次（设施使用计数）", 1.0,
     "人均文体设施使用", "Culture and sports facility use per resident"),
    ("culture_orders_per_1000", "culture-sports", "use", "computed", "per 1,000 a month", True,
     4.0, C, "县定：每千人每月4单文体服务点单", 1.0,
     "每千人文体点单数", "Culture and sports orders per 1,000 residents"),
    ("culture_unmet_share", "culture-sports", "outcome", "computed", "share", False, 0.1, C,
     "县定：未满足需求不超过一成", 1.0,
     "文体需求未满足率", "Unmet share of culture and sports orders"),
    ("culture_activity_kinds", "culture-sports", "variety", "computed", "kinds a quarter", True,
     3.0, C, "县定：每村每季度至少举办3类文体活动", 1.0,
     "举办的活动种类", "Kinds of activities held"),
    # across areas: the order loop and the surveys (the happiness index reads these)
    ("response_rate", None, "outcome", "computed", "share", True, 0.95, C,
     "12345考核口径：有效回访中联系到的比例（县定）", 1.0, "响应率", "Response rate"),
    ("resolution_rate", None, "outcome", "computed", "share", True, 0.85, C,
     "12345考核口径：有效回访中已解决的比例（县定）", 1.0, "解决率", "Resolution rate"),
    ("satisfaction_rate", None, "outcome", "computed", "share", True, 0.9, C,
     "12345考核口径：满意加基本满意（按权重）的比例（县定）", 1.0, "满意率", "Satisfaction rate"),
    ("survey_score", None, "outcome", "computed", "score 0–100", True, 80.0, C,
     "问卷满意度评分题折算为百分制（县定80分）", 1.0, "问卷满意度得分", "Survey satisfaction score"),
]
for _area, _zh, _en, _standard in AREAS_WITHOUT_FACILITIES:
    DEFAULTS += [
        (f"{_area}_orders_per_1000", _area, "use", "computed", "per 1,000 a month", True,
         _standard, C, f"县定：每千人每月{_standard:g}单", 1.0,
         f"每千人{_zh}点单数", f"Orders per 1,000 residents ({_en})"),
        (f"{_area}_unmet_share", _area, "outcome", "computed", "share", False, 0.1, C,
         "县定：未满足需求不超过一成", 1.0,
         f"{_zh}需求未满足率", f"Unmet share of orders ({_en})"),
    ]


def add(apps, schema_editor):
    Indicator = apps.get_model("insights", "Indicator")
    ServiceArea = apps.get_model("catalog", "ServiceArea")
    areas = {a.code: a for a in ServiceArea.objects.all()}
    for position, row in enumerate(DEFAULTS):
        code, area, dim, source, unit, hib, std, basis, note, weight, zh, en = row
        if area is not None and area not in areas:
            continue
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "area": areas.get(area) if area else None,
                "dimension": dim,
                "source": source,
                "unit": unit,
                "higher_is_better": hib,
                "standard": std,
                "standard_basis": basis,
                "standard_note": note,
                "weight": weight,
                "name_zh": zh,
                "name_en": en,
                "position": position,
                # More orders is not of itself better, and how many a county places
                # depends on how far it has taken the platform up: off until the county
                # sets a standard from its own year.
                "active": not code.endswith("_orders_per_1000"),
            },
        )


def remove(apps, schema_editor):
    Indicator = apps.get_model("insights", "Indicator")
    codes = [row[0] for row in DEFAULTS]
    # the snapshots refer to the indicators (protected): they go first
    for name in ("AreaAttainment", "IndicatorValue"):
        apps.get_model("insights", name).objects.all().delete()
    Indicator.objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_balance"), ("catalog", "0002_seed_standard")]
    operations = [migrations.RunPython(add, remove)]
