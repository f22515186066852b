"""The demo company's export files, read back with pandas and openpyxl directly."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.data.demo import DEMO_FILES, DEMO_SEED, DEMO_TRUTH, write_demo_files

SIGNAL_COLUMNS = [
    "门店编号",
    "周开始日期",
    "促销力度",
    "平均气温(℃)",
    "降水量(毫米)",
    "消费者信心指数",
    "竞品热度",
    "搜索指数",
    "竞品开业",
]


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    write_demo_files(folder)
    return folder


@pytest.fixture(scope="module")
def weekly_sales(demo_folder: Path) -> pd.DataFrame:
    sales = pd.read_csv(demo_folder / "周销售.csv", encoding="utf-8-sig", thousands=",")
    sales["周开始日期"] = pd.to_datetime(sales["周开始日期"], format="%Y/%m/%d")
    return sales


@pytest.fixture(scope="module")
def weekly_signals(demo_folder: Path) -> pd.DataFrame:
    signals = pd.read_csv(demo_folder / "周度信号.csv", encoding="gbk", na_values=["NA"])
    signals["周开始日期"] = pd.to_datetime(signals["周开始日期"], format="%Y年%m月%d日")
    return signals


def read_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in DEMO_FILES}


def test_write_demo_files_returns_paths_in_order(tmp_path: Path) -> None:
    paths = write_demo_files(tmp_path / "new" / "folder")

    assert DEMO_FILES == (
        "门店.xlsx",
        "周销售.csv",
        "周度信号.csv",
        "客户.csv",
        "联系人.csv",
        "销售代表.csv",
    )
    assert [path.name for path in paths] == list(DEMO_FILES)
    assert all(path.is_file() for path in paths)
    assert sorted(path.name for path in (tmp_path / "new" / "folder").iterdir()) == sorted(
        DEMO_FILES
    )


def test_write_demo_files_same_seed_byte_identical(tmp_path: Path) -> None:
    write_demo_files(tmp_path / "first", seed=DEMO_SEED)
    write_demo_files(tmp_path / "second", seed=DEMO_SEED)

    first = read_bytes(tmp_path / "first")
    second = read_bytes(tmp_path / "second")
    for name in DEMO_FILES:
        assert first[name] == second[name], name


def test_write_demo_files_other_seed_differs(tmp_path: Path) -> None:
    write_demo_files(tmp_path / "default", seed=DEMO_SEED)
    write_demo_files(tmp_path / "other", seed=DEMO_SEED + 1)

    default = read_bytes(tmp_path / "default")
    other = read_bytes(tmp_path / "other")
    for name in DEMO_FILES:
        assert default[name] != other[name], name


def test_demo_files_total_size_under_5mb(demo_folder: Path) -> None:
    total = sum((demo_folder / name).stat().st_size for name in DEMO_FILES)

    assert total < 5 * 1024 * 1024


def test_units_xlsx_has_fixed_times(demo_folder: Path) -> None:
    with zipfile.ZipFile(demo_folder / "门店.xlsx") as archive:
        entry_times = {entry.date_time for entry in archive.infolist()}
    workbook = openpyxl.load_workbook(demo_folder / "门店.xlsx")

    assert len(entry_times) == 1
    assert workbook.properties.created == workbook.properties.modified


def test_signals_csv_is_gbk_not_utf8(demo_folder: Path) -> None:
    data = (demo_folder / "周度信号.csv").read_bytes()

    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = data.decode("gbk")
    assert text.splitlines()[0] == ",".join(SIGNAL_COLUMNS)
    assert "\r" not in text
    assert ",2024年1月8日," in text


def test_sales_csv_has_bom_and_crlf(demo_folder: Path) -> None:
    data = (demo_folder / "周销售.csv").read_bytes()
    lines = data.split(b"\r\n")

    assert data.startswith(b"\xef\xbb\xbf")
    assert lines[0].decode("utf-8-sig") == "门店编号,周开始日期,销售额(元),客流(人次)"
    assert lines[-1] == b""
    assert all(b"\n" not in line for line in lines)
    assert lines[1].decode("utf-8").startswith('S001,2023/12/4,"')


def test_sales_csv_amounts_have_thousands_separators(demo_folder: Path) -> None:
    text = (demo_folder / "周销售.csv").read_text(encoding="utf-8-sig")
    second_row = text.splitlines()[2]

    assert second_row.startswith("S001,2023/12/11,")
    assert second_row.split('"')[1].replace(",", "").replace(".", "").isdigit()
    assert "," in second_row.split('"')[1]


def test_units_xlsx_has_merged_header(demo_folder: Path) -> None:
    workbook = openpyxl.load_workbook(demo_folder / "门店.xlsx")
    sheet = workbook["门店"]
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}

    assert workbook.sheetnames == ["门店"]
    assert merged == {"A1:A2", "B1:D1", "E1:F1"}
    assert [sheet[ref].value for ref in ("A1", "B1", "E1")] == ["门店编号", "门店信息", "经营信息"]
    assert [cell.value for cell in sheet[2][1:6]] == [
        "门店名称",
        "大区",
        "城市",
        "业态",
        "面积(平方米)",
    ]
    assert sheet["A3"].value == "S001"


def test_units_120_stores_in_6_regions(demo_folder: Path) -> None:
    units = pd.read_excel(demo_folder / "门店.xlsx", sheet_name="门店", header=None, skiprows=2)
    units.columns = ["门店编号", "门店名称", "大区", "城市", "业态", "面积"]
    region_counts = units["大区"].value_counts()

    assert units["门店编号"].tolist() == [f"S{number:03d}" for number in range(1, 121)]
    assert set(region_counts.index) == {"华东", "华南", "华北", "华中", "西南", "西北"}
    assert region_counts.idxmax() == "华东"
    assert region_counts.idxmin() == "西北"
    assert units["门店名称"].is_unique
    assert all(
        name.startswith("华景" + city) and name.endswith("店")
        for name, city in zip(units["门店名称"], units["城市"], strict=True)
    )
    assert set(units["业态"]) == {"旗舰店", "标准店", "社区店"}
    assert units["面积"].between(300, 6000).all()


def test_weekly_sales_156_mondays_per_store(weekly_sales: pd.DataFrame) -> None:
    weeks = pd.date_range("2023-12-04", "2026-11-23", freq="W-MON")
    expected_order = sorted(zip(weekly_sales["门店编号"], weekly_sales["周开始日期"], strict=True))

    assert len(weeks) == 156
    assert weekly_sales["门店编号"].nunique() == 120
    assert (weekly_sales.groupby("门店编号")["周开始日期"].count() == 156).all()
    assert set(weekly_sales["周开始日期"]) == set(weeks)
    assert list(zip(weekly_sales["门店编号"], weekly_sales["周开始日期"], strict=True)) == (
        expected_order
    )


def test_weekly_sales_typical_magnitude(weekly_sales: pd.DataFrame) -> None:
    store_medians = weekly_sales.groupby("门店编号")["销售额(元)"].median()

    assert store_medians.between(150_000, 2_500_000).all()
    assert 200_000 < store_medians.median() < 2_000_000
    assert (weekly_sales["客流(人次)"] > 0).all()


def test_weekly_sales_few_negative_weeks(weekly_sales: pd.DataFrame) -> None:
    negative = weekly_sales[weekly_sales["销售额(元)"] < 0]

    assert 3 <= len(negative) <= 6


def test_weekly_sales_holiday_peaks_and_dips(weekly_sales: pd.DataFrame) -> None:
    totals = weekly_sales.groupby("周开始日期")["销售额(元)"].sum()
    median_week = totals.median()
    double11 = pd.to_datetime(["2024-11-11", "2025-11-10", "2026-11-09"])
    spring_festival = pd.to_datetime(["2024-02-05", "2025-01-27", "2026-02-16"])

    assert list(double11.strftime("%Y-%m-%d")) == list(DEMO_TRUTH["holiday_weeks"]["double11_week"])
    assert totals[double11].mean() > 1.5 * median_week
    assert (totals[spring_festival] < 0.8 * median_week).all()


def test_weekly_signals_columns_and_ranges(weekly_signals: pd.DataFrame) -> None:
    promotion = weekly_signals["促销力度"].dropna()

    assert list(weekly_signals.columns) == SIGNAL_COLUMNS
    assert len(weekly_signals) == 120 * 156
    assert promotion.between(0, 1).all()
    assert (promotion == 0).mean() > 0.5
    assert weekly_signals["竞品热度"].dropna().between(0, 100).all()
    assert weekly_signals["消费者信心指数"].dropna().between(110, 125).all()
    assert set(weekly_signals["竞品开业"]) == {0, 1}
    assert weekly_signals["竞品开业"].sum() < 100


def test_weekly_signals_missing_cells_rare(demo_folder: Path, weekly_signals: pd.DataFrame) -> None:
    text = (demo_folder / "周度信号.csv").read_text(encoding="gbk")
    missing_share = weekly_signals.iloc[:, 2:8].isna().to_numpy().mean()

    assert 0.002 < missing_share < 0.01
    assert ",NA," in text
    assert ",," in text


def test_weekly_signals_climate_by_city(demo_folder: Path, weekly_signals: pd.DataFrame) -> None:
    units = pd.read_excel(demo_folder / "门店.xlsx", header=None, skiprows=2)
    city_of_store = dict(zip(units[0], units[3], strict=True))
    signals = weekly_signals.assign(城市=weekly_signals["门店编号"].map(city_of_store))
    january = signals[signals["周开始日期"].dt.month == 1]
    january_mean = january.groupby("城市")["平均气温(℃)"].mean()

    assert january_mean["广州"] > 10
    assert january_mean["兰州"] < 0
    assert signals.groupby("周开始日期")["消费者信心指数"].nunique().max() == 1


def test_weekly_signals_heat_rises_after_opening(weekly_signals: pd.DataFrame) -> None:
    heat = weekly_signals.pivot(index="门店编号", columns="周开始日期", values="竞品热度")
    opening = weekly_signals.pivot(index="门店编号", columns="周开始日期", values="竞品开业")
    rises = []
    for store, week in zip(*np.nonzero(opening.to_numpy() == 1), strict=True):
        if 4 <= week <= 151:
            before = heat.iloc[store, week - 4 : week].mean()
            after = heat.iloc[store, week : week + 4].mean()
            rises.append(after - before)

    assert len(rises) >= 5
    assert np.mean(rises) > 10


def test_accounts_300_with_types(demo_folder: Path) -> None:
    accounts = pd.read_csv(demo_folder / "客户.csv", encoding="utf-8")

    assert list(accounts.columns) == [
        "客户编号",
        "客户名称",
        "客户类型",
        "大区",
        "员工人数",
        "年度预算(万元)",
    ]
    assert accounts["客户编号"].tolist() == [f"A{number:04d}" for number in range(1, 301)]
    assert accounts["客户名称"].is_unique
    assert accounts["客户名称"].str.endswith("公司").all()
    assert set(accounts["客户类型"]) == {"技术决策型", "成本敏感型", "合规驱动型"}
    assert (accounts["年度预算(万元)"] > 0).all()


def test_contacts_every_account_has_economic_buyer(demo_folder: Path) -> None:
    accounts = pd.read_csv(demo_folder / "客户.csv", encoding="utf-8")
    contacts = pd.read_csv(demo_folder / "联系人.csv", encoding="utf-8")
    buyers = contacts[contacts["角色"] == "经济决策人"]
    committee_sizes = contacts.groupby("客户编号").size()

    assert list(contacts.columns) == ["联系人编号", "客户编号", "姓名", "角色", "画像"]
    assert set(buyers["客户编号"]) == set(accounts["客户编号"])
    assert committee_sizes.between(3, 6).all()
    assert contacts["联系人编号"].tolist() == [
        f"C{number:05d}" for number in range(1, len(contacts) + 1)
    ]
    assert set(contacts["画像"]) <= set(DEMO_TRUTH["persona_shares_by_role"]["经济决策人"])


def test_contacts_legal_mostly_compliance_minded(demo_folder: Path) -> None:
    contacts = pd.read_csv(demo_folder / "联系人.csv", encoding="utf-8")
    legal = contacts[contacts["角色"] == "法务"]

    assert len(legal) > 20
    assert (legal["画像"] == "compliance_minded_legal").mean() > 0.7


def test_reps_home_store_in_region(demo_folder: Path) -> None:
    reps = pd.read_csv(demo_folder / "销售代表.csv", encoding="utf-8")
    units = pd.read_excel(demo_folder / "门店.xlsx", header=None, skiprows=2)
    region_of_store = dict(zip(units[0], units[2], strict=True))

    assert list(reps.columns) == [
        "代表编号",
        "姓名",
        "大区",
        "门店编号",
        "每周可用工时",
        "技能评分",
    ]
    assert len(reps) == 60
    assert (reps["门店编号"].map(region_of_store) == reps["大区"]).all()
    assert reps["每周可用工时"].between(30, 45).all()
    assert reps["技能评分"].between(0.3, 0.95).all()


def test_demo_truth_recovered_by_least_squares(
    weekly_sales: pd.DataFrame, weekly_signals: pd.DataFrame
) -> None:
    data = pd.concat([weekly_sales, weekly_signals.iloc[:, 2:]], axis=1).dropna()
    data = data[data["销售额(元)"] > 0]
    centres = DEMO_TRUTH["factor_centres"]
    week_number = (data["周开始日期"] - pd.Timestamp("2023-12-04")).dt.days / 7
    angle = 2 * np.pi * (data["周开始日期"].dt.day_of_year - 1) / 365.25
    features = {
        "promotion": data["促销力度"],
        "competitor_heat": data["竞品热度"],
        "temperature_squared": (data["平均气温(℃)"] - centres["temperature_squared"]) ** 2,
        "consumer_confidence": data["消费者信心指数"],
        "precipitation": data["降水量(毫米)"],
        "annual_cos": np.cos(angle),
        "annual_sin": np.sin(angle),
        "semiannual_cos": np.cos(2 * angle),
    }
    week_text = data["周开始日期"].dt.strftime("%Y-%m-%d")
    for name, weeks in DEMO_TRUTH["holiday_weeks"].items():
        features[name] = week_text.isin(weeks).astype(float)
    store_dummies = pd.get_dummies(data["门店编号"], dtype=float)
    store_trends = store_dummies.mul(week_number * 7 / 365.25, axis=0).add_suffix("_trend")
    design = pd.concat([pd.DataFrame(features), store_dummies, store_trends], axis=1)

    coefficients, *_ = np.linalg.lstsq(
        design.to_numpy(), np.log(data["销售额(元)"].to_numpy()), rcond=None
    )
    fitted = dict(zip(design.columns, coefficients, strict=True))

    for name in (
        "promotion",
        "competitor_heat",
        "temperature_squared",
        "consumer_confidence",
        "precipitation",
    ):
        truth = DEMO_TRUTH["factors"][name]
        assert fitted[name] == pytest.approx(truth, rel=0.15), name
    for name, truth in DEMO_TRUTH["holidays"].items():
        assert fitted[name] == pytest.approx(truth, abs=0.03), name
    for name, truth in DEMO_TRUTH["seasonality"].items():
        assert fitted[name] == pytest.approx(truth, abs=0.015), name


def test_demo_truth_trend_by_region() -> None:
    assert set(DEMO_TRUTH["trend"]) == {"华东", "华南", "华北", "华中", "西南", "西北"}
    assert all(0 < growth < 0.1 for growth in DEMO_TRUTH["trend"].values())
    for weeks in DEMO_TRUTH["holiday_weeks"].values():
        assert all(dt.date.fromisoformat(week).weekday() == 0 for week in weeks)
