"""Invented people for the demo: names from common surnames and given-name characters, phone numbers
from a fixed seed. Nobody here is real."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志新海波宁亮雪梅"
    "晨浩宇欣然俊峰文博佳慧琳丹凤云龙飞雨婷"
)


class PersonFactory:
    def __init__(self, seed: int = 2022):
        self.random = random.Random(seed)
        self.used_names: set[str] = set()
        self.used_phones: set[str] = set()

    def name(self) -> str:
        while True:
            given = "".join(self.random.choice(GIVEN) for _ in range(self.random.choice((1, 2, 2))))
            name = self.random.choice(SURNAMES) + given
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def phone(self) -> str:
        while True:
            phone = self.random.choice(("139", "138", "158", "187", "152", "177")) + "".join(
                str(self.random.randrange(10)) for _ in range(8)
            )
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone
