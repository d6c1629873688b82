"""The nine areas of the National Basic Public Service Standard (国家基本公共服务标准, 2021/2023)
with their categories, seeded into every installation. Local categories are added below them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

# (code, name_zh, name_en, [(category code, name_zh, name_en), …])
NATIONAL_AREAS: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "childcare",
        "幼有所育",
        "Care for young children",
        [
            ("prenatal", "优孕优生", "Healthy pregnancy and birth"),
            ("child-health", "儿童健康", "Child health"),
            ("child-care", "儿童关爱", "Child care and protection"),
        ],
    ),
    (
        "education",
        "学有所教",
        "Education for learners",
        [
            ("preschool", "学前教育助学", "Preschool aid"),
            ("compulsory", "义务教育", "Compulsory education"),
            ("high-school", "普通高中助学", "High-school aid"),
            ("vocational", "中等职业教育助学", "Vocational education aid"),
        ],
    ),
    (
        "employment",
        "劳有所得",
        "Income from work",
        [
            ("jobs", "就业创业", "Jobs and entrepreneurship"),
            ("work-insurance", "工伤失业保险", "Work-injury and unemployment insurance"),
        ],
    ),
    (
        "health",
        "病有所医",
        "Medical care for the sick",
        [
            ("public-health", "公共卫生", "Public health"),
            ("medical-insurance", "医疗保险", "Medical insurance"),
            ("family-planning", "计划生育扶助", "Family-planning support"),
        ],
    ),
    (
        "elderly",
        "老有所养",
        "Care for the elderly",
        [
            ("elderly-care", "养老助老", "Elderly care"),
            ("pension", "养老保险", "Pension insurance"),
        ],
    ),
    (
        "housing",
        "住有所居",
        "Housing for all",
        [
            ("public-rental", "公租房服务", "Public rental housing"),
            ("renovation", "住房改造", "Housing renovation"),
        ],
    ),
    (
        "vulnerable",
        "弱有所扶",
        "Support for the vulnerable",
        [
            ("social-assistance", "社会救助", "Social assistance"),
            ("legal-aid", "公共法律服务", "Public legal services"),
            ("disability", "扶残助残", "Disability support"),
        ],
    ),
    (
        "military",
        "优军服务保障",
        "Services for military personnel",
        [
            ("veterans", "优军优抚", "Preferential treatment and compensation"),
        ],
    ),
    (
        "culture-sports",
        "文体服务保障",
        "Culture and sports",
        [
            ("public-culture", "公共文化", "Public culture"),
            ("public-sports", "公共体育", "Public sports"),
        ],
    ),
]


DEFAULT_URGENCY_CLASSES: list[dict[str, object]] = [
    {
        "code": "emergency",
        "name_zh": "紧急",
        "name_en": "Emergency",
        "review_limit": timedelta(minutes=15),
        "accept_limit": timedelta(minutes=15),
        "resolve_limit": timedelta(hours=2),
        "position": 1,
    },
    {
        "code": "utilities",
        "name_zh": "水电气热",
        "name_en": "Utilities",
        "review_limit": timedelta(hours=2),
        "accept_limit": timedelta(hours=2),
        "resolve_limit": timedelta(hours=24),
        "position": 2,
    },
    {
        "code": "general",
        "name_zh": "一般",
        "name_en": "General",
        "review_limit": timedelta(days=1),
        "accept_limit": timedelta(days=1),
        "resolve_limit": timedelta(days=7),
        "position": 3,
    },
    {
        "code": "complex",
        "name_zh": "复杂",
        "name_en": "Complex",
        "review_limit": timedelta(days=2),
        "accept_limit": timedelta(days=2),
        "resolve_limit": timedelta(days=15),
        "position": 4,
    },
]


def seed_standard(service_area: Any, category: Any, urgency_class: Any) -> None:
    """Create or update the national areas, their categories and the urgency classes.

    Takes the model classes so the data migration can pass its historical models.
    """
    for i, (code, zh, en, cats) in enumerate(NATIONAL_AREAS, start=1):
        area, _ = service_area.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "national": True, "position": i}
        )
        for j, (ccode, czh, cen) in enumerate(cats, start=1):
            category.objects.update_or_create(
                code=ccode, defaults={"area": area, "name_zh": czh, "name_en": cen, "position": j}
            )
    for row in DEFAULT_URGENCY_CLASSES:
        urgency_class.objects.update_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"}
        )
