"""The demo's synonym list makes the words residents use find the right services."""

from __future__ import annotations

import pytest

from minsheng.catalog.models import Synonym
from minsheng.catalog.selectors import published_menu
from minsheng.demo.catalog import SYNONYMS
from minsheng.demo.seed import seed_demo

pytestmark = pytest.mark.django_db


def test_colloquial_words_find_sensible_demo_services():
    seed_demo(scale=0.01)
    assert Synonym.objects.count() == len(SYNONYMS)
    found = {
        word: sorted(s.code for s in published_menu(query=word))
        for word in ["低保", "看病", "吃饭", "没电了", "路灯"]
    }
    assert found == {
        # by the description ("最低生活保障（低保）"), and by the synonym's 救助
        "低保": ["subsistence-allowance", "temporary-assistance"],
        # 医生 卫生院 体检 医保 报销 随访
        "看病": [
            "chronic-followup",
            "elderly-health-check",
            "family-doctor",
            "infant-care-guidance",
            "medical-insurance-enrol",
            "medical-reimbursement",
            "prenatal-checkup",
        ],
        "吃饭": ["meal-delivery"],  # 助餐 送餐 送饭
        "没电了": ["power-repair"],  # 没电 → 停电 用电故障
        "路灯": ["power-repair"],  # its description: 村里路灯不亮
    }
