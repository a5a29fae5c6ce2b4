"""Files to import: built in memory as .xlsx (openpyxl) or .csv in UTF-8 or GBK."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook


LEAD_HEADER = ["姓名", "手机号", "家长", "意向课程", "课程顾问", "来源", "阶段", "录入时间", "备注"]


def lead_rows(n: int = 3, start: int = 0) -> list[list[str]]:
    return [[f"学员{i}", f"1390000{i:04d}", f"家长{i}", "少儿英语", "sales", "地推", "新咨询", "2024-03-0%d 09:30" % (1 + i % 9),
             f"第 {i} 个"] for i in range(start, start + n)]


def as_csv(rows: list[list[str]], encoding: str = "utf-8") -> io.BytesIO:
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return io.BytesIO(text.getvalue().encode(encoding))


def as_xlsx(rows: list[list]) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    output.seek(0)
    return output


