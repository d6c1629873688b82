"""The Chinese Library Classification (中国图书馆分类法): its 22 top-level classes.

Pure data, no Django: the collection figures, the import checks and the pages share it.
"""

from __future__ import annotations

# letter -> (Chinese, English)
CLASSES: dict[str, tuple[str, str]] = {
    "A": ("马克思主义、列宁主义、毛泽东思想、邓小平理论",
          "Marxism-Leninism, Mao Zedong Thought, Deng Xiaoping Theory"),
    "B": ("哲学、宗教", "Philosophy, religion"),
    "C": ("社会科学总论", "Social sciences (general)"),
    "D": ("政治、法律", "Politics, law"),
    "E": ("军事", "Military"),
    "F": ("经济", "Economics"),
    "G": ("文化、科学、教育、体育", "Culture, science, education, sports"),
    "H": ("语言、文字", "Languages"),
    "I": ("文学", "Literature"),
    "J": ("艺术", "Art"),
    "K": ("历史、地理", "History, geography"),
    "N": ("自然科学总论", "Natural sciences (general)"),
    "O": ("数理科学和化学", "Mathematics, physics, chemistry"),
    "P": ("天文学、地球科学", "Astronomy, earth sciences"),
    "Q": ("生物科学", "Biology"),
    "R": ("医药、卫生", "Medicine, health"),
    "S": ("农业科学", "Agriculture"),
    "T": ("工业技术", "Industrial technology"),
    "U": ("交通运输", "Transport"),
    "V": ("航空、航天", "Aviation, aerospace"),
    "X": ("环境科学、安全科学", "Environment, safety"),
    "Z": ("综合性图书", "General works"),
}  # fmt: skip

LETTERS = frozenset(CLASSES)


def is_class(letter: str) -> bool:
    """Whether ``letter`` is a top-level class (upper case, one of the 22)."""
    return letter in LETTERS
