"""The national essential-medicines list (国家基本药物目录, 2018 edition) as reference data: a
representative subset of 80 entries (the full list has 685: 417 chemical and biological
products, 268 Chinese patent medicines). A county loads the full list, or its own, with
``minsheng medicines_load FILE`` (docs/medicines.md); the rows stay editable in the admin.

``level``: the lowest level expected to dispense it (village clinics: village; township
health centres: village and township). ``keywords``: the words residents use for it.
"""

from django.db import migrations

C, P = "chemical", "patent"
V, T = "village", "township"

# (code, name_zh, name_en, group, level, keywords)
MEDICINES = [
    ("amoxicillin", "阿莫西林", "Amoxicillin", C, V, "消炎药 抗生素"),
    ("cefalexin", "头孢氨苄", "Cefalexin", C, V, "头孢 消炎药"),
    ("cefuroxime", "头孢呋辛", "Cefuroxime", C, T, "头孢 消炎药"),
    ("azithromycin", "阿奇霉素", "Azithromycin", C, V, "消炎药 抗生素"),
    ("levofloxacin", "左氧氟沙星", "Levofloxacin", C, T, "消炎药 抗生素"),
    ("metronidazole", "甲硝唑", "Metronidazole", C, V, "灭滴灵 牙疼"),
    ("benzylpenicillin", "青霉素", "Benzylpenicillin", C, T, "打针 消炎针"),
    ("paracetamol", "对乙酰氨基酚", "Paracetamol", C, V, "扑热息痛 退烧药 感冒药"),
    ("ibuprofen", "布洛芬", "Ibuprofen", C, V, "止痛药 退烧药"),
    ("aspirin", "阿司匹林", "Aspirin", C, V, "阿司匹林肠溶片"),
    ("diclofenac", "双氯芬酸", "Diclofenac", C, V, "止痛药 关节痛"),
    ("morphine", "吗啡", "Morphine", C, T, "止痛针 癌痛"),
    ("nifedipine", "硝苯地平", "Nifedipine", C, V, "降压药 高血压"),
    ("amlodipine", "氨氯地平", "Amlodipine", C, V, "降压药 高血压"),
    ("captopril", "卡托普利", "Captopril", C, V, "降压药 高血压"),
    ("enalapril", "依那普利", "Enalapril", C, V, "降压药 高血压"),
    ("losartan", "氯沙坦", "Losartan", C, T, "降压药 高血压"),
    ("valsartan", "缬沙坦", "Valsartan", C, T, "降压药 高血压"),
    ("metoprolol", "美托洛尔", "Metoprolol", C, T, "降压药 心慌"),
    ("hydrochlorothiazide", "氢氯噻嗪", "Hydrochlorothiazide", C, V, "利尿药 降压药"),
    ("furosemide", "呋塞米", "Furosemide", C, V, "速尿 利尿药 水肿"),
    ("spironolactone", "螺内酯", "Spironolactone", C, T, "利尿药"),
    ("nitroglycerin", "硝酸甘油", "Nitroglycerin", C, V, "心绞痛 胸口痛"),
    ("isosorbide-dinitrate", "硝酸异山梨酯", "Isosorbide dinitrate", C, V, "消心痛 心绞痛"),
    ("digoxin", "地高辛", "Digoxin", C, T, "心衰 强心药"),
    ("atorvastatin", "阿托伐他汀", "Atorvastatin", C, T, "降脂药 他汀 血脂高"),
    ("simvastatin", "辛伐他汀", "Simvastatin", C, V, "降脂药 他汀 血脂高"),
    ("clopidogrel", "氯吡格雷", "Clopidogrel", C, T, "波立维 支架"),
    ("warfarin", "华法林", "Warfarin", C, T, "抗凝药"),
    ("metformin", "二甲双胍", "Metformin", C, V, "降糖药 糖尿病"),
    ("glibenclamide", "格列本脲", "Glibenclamide", C, V, "优降糖 降糖药 糖尿病"),
    ("gliclazide", "格列齐特", "Gliclazide", C, V, "降糖药 糖尿病"),
    ("acarbose", "阿卡波糖", "Acarbose", C, T, "拜糖平 降糖药 糖尿病"),
    ("insulin-regular", "胰岛素", "Insulin (regular)", C, T, "打胰岛素 糖尿病 胰岛素针"),
    ("insulin-premixed", "预混胰岛素", "Insulin (premixed)", C, T, "胰岛素 糖尿病"),
    ("omeprazole", "奥美拉唑", "Omeprazole", C, V, "胃药 胃痛 反酸"),
    ("ranitidine", "雷尼替丁", "Ranitidine", C, V, "胃药 胃痛"),
    ("domperidone", "多潘立酮", "Domperidone", C, V, "吗丁啉 胃胀"),
    ("montmorillonite", "蒙脱石散", "Montmorillonite powder", C, V, "止泻药 拉肚子"),
    ("oral-rehydration-salts", "口服补液盐", "Oral rehydration salts", C, V, "补液盐 拉肚子"),
    ("salbutamol", "沙丁胺醇", "Salbutamol", C, V, "哮喘 气喘 喷雾"),
    ("aminophylline", "氨茶碱", "Aminophylline", C, V, "哮喘 气喘"),
    ("budesonide", "布地奈德", "Budesonide", C, T, "哮喘 吸入剂"),
    ("ambroxol", "氨溴索", "Ambroxol", C, V, "止咳药 化痰"),
    ("chlorphenamine", "氯苯那敏", "Chlorphenamine", C, V, "扑尔敏 过敏药"),
    ("loratadine", "氯雷他定", "Loratadine", C, V, "过敏药 皮肤痒"),
    ("dexamethasone", "地塞米松", "Dexamethasone", C, V, "激素"),
    ("prednisone", "泼尼松", "Prednisone", C, V, "强的松 激素"),
    ("levothyroxine", "左甲状腺素", "Levothyroxine", C, T, "优甲乐 甲状腺"),
    ("diazepam", "地西泮", "Diazepam", C, T, "安定 安眠药 睡不着"),
    ("carbamazepine", "卡马西平", "Carbamazepine", C, T, "癫痫 羊角风"),
    ("sodium-valproate", "丙戊酸钠", "Sodium valproate", C, T, "癫痫 羊角风"),
    ("risperidone", "利培酮", "Risperidone", C, T, "精神病药"),
    ("vitamin-b1", "维生素B1", "Vitamin B1", C, V, "维生素"),
    ("ferrous-sulfate", "硫酸亚铁", "Ferrous sulfate", C, V, "补铁 贫血"),
    ("folic-acid", "叶酸", "Folic acid", C, V, "孕妇 叶酸片"),
    ("glucose-injection", "葡萄糖注射液", "Glucose injection", C, V, "吊水 输液 葡萄糖"),
    ("saline-injection", "氯化钠注射液", "Sodium chloride injection", C, V, "盐水 吊水 输液"),
    ("lidocaine", "利多卡因", "Lidocaine", C, V, "麻药"),
    ("adrenaline", "肾上腺素", "Adrenaline", C, V, "急救"),
    ("tetanus-antitoxin", "破伤风抗毒素", "Tetanus antitoxin", C, T, "破伤风针 打破伤风"),
    ("erythromycin-eye-ointment", "红霉素眼膏", "Erythromycin eye ointment", C, V, "眼药膏"),
    ("chloramphenicol-eye-drops", "氯霉素滴眼液", "Chloramphenicol eye drops", C, V, "眼药水"),
    ("clotrimazole", "克霉唑", "Clotrimazole", C, V, "脚气 癣"),
    ("oseltamivir", "奥司他韦", "Oseltamivir", C, T, "达菲 流感"),
    ("aciclovir", "阿昔洛韦", "Aciclovir", C, V, "疱疹 带状疱疹"),
    ("banlangen", "板蓝根颗粒", "Banlangen granules", P, V, "板蓝根 感冒"),
    ("ganmao-qingre", "感冒清热颗粒", "Ganmao Qingre granules", P, V, "感冒药 感冒冲剂"),
    ("lianhua-qingwen", "连花清瘟胶囊", "Lianhua Qingwen capsules", P, V, "连花清瘟 感冒"),
    ("shuanghuanglian", "双黄连口服液", "Shuanghuanglian oral liquid", P, V, "双黄连 感冒"),
    ("niuhuang-jiedu", "牛黄解毒片", "Niuhuang Jiedu tablets", P, V, "上火 牙疼"),
    ("huoxiang-zhengqi", "藿香正气水", "Huoxiang Zhengqi liquid", P, V, "中暑 拉肚子"),
    ("fufang-danshen", "复方丹参滴丸", "Compound Danshen dripping pills", P, V, "丹参 心脏"),
    ("suxiao-jiuxin", "速效救心丸", "Suxiao Jiuxin pills", P, V, "救心丸 心绞痛"),
    ("liuwei-dihuang", "六味地黄丸", "Liuwei Dihuang pills", P, V, "补肾"),
    ("yunnan-baiyao", "云南白药", "Yunnan Baiyao", P, V, "跌打 止血"),
    ("shangshi-zhitong", "伤湿止痛膏", "Shangshi Zhitong plaster", P, V, "膏药 腰疼 关节痛"),
    ("tongxinluo", "通心络胶囊", "Tongxinluo capsules", P, T, "中风 心脑血管"),
    ("xiaoke", "消渴丸", "Xiaoke pills", P, T, "降糖药 糖尿病"),
    ("angong-niuhuang", "安宫牛黄丸", "Angong Niuhuang pills", P, T, "中风 急救"),
]


def load(apps, schema_editor):
    Medicine = apps.get_model("facilities", "Medicine")
    for code, name_zh, name_en, group, level, keywords in MEDICINES:
        Medicine.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "group": group,
                "level": level,
                "essential": True,
                "keywords": keywords,
            },
        )


def unload(apps, schema_editor):
    Medicine = apps.get_model("facilities", "Medicine")
    Dispensing = apps.get_model("facilities", "Dispensing")
    MedicineRequest = apps.get_model("facilities", "MedicineRequest")
    used = set(Dispensing.objects.values_list("medicine_id", flat=True)) | set(
        MedicineRequest.objects.values_list("medicine_id", flat=True)
    )
    codes = [m[0] for m in MEDICINES]
    Medicine.objects.filter(code__in=codes).exclude(pk__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
