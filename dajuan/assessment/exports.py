"""Rankings and scores of a quarter as an xlsx workbook (openpyxl): one sheet of totals and rankings, one of
every indicator line."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font


def results_workbook(data: dict, *, version: int | None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "排名"
    status = f"第{version}版（已发布）" if version else "未发布（实时计算）"
    sheet.append([f"{data['year']}年第{data['quarter']}季度 分层分档考核", status])
    sheet.append(["层级", "单位代码", "单位", "分管领导团队", "总分", "层级排名", "团队内排名", "重点工作得分",
                  "全区重点工作排名", "星级"])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in data["units"]:
        sheet.append([data["kinds"].get(row["kind"], row["kind"]), row["code"], row["name"], row["team"],
                      row["total"], row["rank"], row.get("rank_team"), row["key_work"], row["rank_key_work"],
                      row["stars"]])
    lines = book.create_sheet("明细")
    lines.append(["单位代码", "单位", "指标代码", "指标", "重点工作", "权重", "分子", "分母", "值", "得分", "说明"])
    for cell in lines[1]:
        cell.font = Font(bold=True)
    for row in data["units"]:
        for line in row["lines"]:
            lines.append([row["code"], row["name"], line["code"], line["name"], "是" if line["key_work"] else "",
                          line["weight"], line["numerator"], line["denominator"], line["value"], line["points"],
                          line.get("evidence") or line["note"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
