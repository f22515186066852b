"""Seeded demo company: the CRM and ERP export files of 华景零售 (Huajing Retail).

Huajing Retail is a fictional Chinese regional retailer with 120 stores in 19 cities and
a B2B key-account business. :func:`write_demo_files` writes the files its sales team
would export from the CRM and ERP:

- a store list in XLSX with a merged two-row header,
- weekly sales as UTF-8 CSV with a BOM, CRLF line endings and thousands separators,
- weekly signals as GBK CSV with Chinese dates and a few missing cells,
- UTF-8 CSV lists of key accounts, buying-committee contacts and sales reps.

Those quirks are deliberate, because the readers have to cope with them. The files are
otherwise clean and consistent with each other.

Weekly sales follow a multiplicative model whose true coefficients are in
:data:`DEMO_TRUTH`, so a fitted model can be checked against them::

    log(sales) = log(format base) + area_elasticity * log(area / reference area)
                 + store effect + trend[region] * years since 2023-12-04
                 + seasonality(week_start) + holiday effects + factor effects + noise

Every factor effect is ``coefficient * (value - centre)``, where the value is the one
written to ``周度信号.csv`` (before cells were blanked), except the temperature, whose
effect is ``temperature_squared * (temperature - comfort)**2``. Every random draw
comes from generators spawned from one ``numpy.random.default_rng(seed)``, and the
XLSX has fixed document and ZIP entry times, so one seed gives byte-identical files.
NOTE: that holds for one set of numpy, openpyxl and zlib versions. numpy does not
promise that ``Generator`` distribution methods keep their streams across releases.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.writer.excel import ExcelWriter

__all__ = ["DEMO_FILES", "DEMO_SEED", "DEMO_TRUTH", "write_demo_files"]

DEMO_SEED = 42

UNITS_FILE = "门店.xlsx"
SALES_FILE = "周销售.csv"
SIGNALS_FILE = "周度信号.csv"
ACCOUNTS_FILE = "客户.csv"
CONTACTS_FILE = "联系人.csv"
REPS_FILE = "销售代表.csv"
DEMO_FILES: tuple[str, ...] = (
    UNITS_FILE,
    SALES_FILE,
    SIGNALS_FILE,
    ACCOUNTS_FILE,
    CONTACTS_FILE,
    REPS_FILE,
)

COMPANY_NAME = "华景零售"
BRAND_PREFIX = "华景"

FIRST_WEEK = dt.date(2023, 12, 4)
WEEK_COUNT = 156
WEEK_STARTS: tuple[dt.date, ...] = tuple(
    FIRST_WEEK + dt.timedelta(weeks=index) for index in range(WEEK_COUNT)
)

# Document times written into the XLSX, so that its bytes do not depend on the clock.
# The date is the Monday after the last week in the files, when the export would be made.
EXPORT_TIME = dt.datetime(2026, 11, 30, 9, 0, 0)

# ---------------------------------------------------------------------------
# Geography and climate
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _City:
    """A city with Huajing stores, its store count and a rough weekly climate."""

    name: str
    region: str
    store_count: int
    mean_temperature_c: float  # annual mean of the weekly mean temperature
    temperature_amplitude_c: float  # half the gap between the July and January means
    annual_precipitation_mm: float
    wet_season_peak_day: int  # day of year with the most rain
    districts: tuple[str, ...]  # one store per district at most, so names are unique


REGIONS: tuple[str, ...] = ("华东", "华南", "华北", "华中", "西南", "西北")

# Store counts per region: 华东 34, 华南 22, 华北 20, 华中 18, 西南 16, 西北 10.
# The climate figures are rounded long-term averages, close enough for a demo.
# Fields: name, region, store count, mean and amplitude (℃), rain (mm/year), peak day, districts.
# fmt: off
CITIES: tuple[_City, ...] = (
    _City("上海", "华东", 12, 17.0, 11.5, 1200, 175,
          ("徐汇", "静安", "黄浦", "浦东", "长宁", "普陀", "虹口", "杨浦", "闵行",
           "宝山", "嘉定", "松江", "青浦", "奉贤")),
    _City("杭州", "华东", 8, 17.5, 12.0, 1450, 175,
          ("西湖", "上城", "拱墅", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳")),
    _City("南京", "华东", 7, 16.0, 13.0, 1100, 180,
          ("玄武", "秦淮", "鼓楼", "建邺", "栖霞", "雨花台", "江宁", "浦口")),
    _City("苏州", "华东", 7, 16.5, 12.5, 1100, 175,
          ("姑苏", "吴中", "相城", "虎丘", "吴江", "园区", "昆山", "常熟")),
    _City("广州", "华南", 9, 22.5, 7.5, 1800, 160,
          ("天河", "越秀", "海珠", "荔湾", "白云", "番禺", "黄埔", "花都", "南沙", "增城")),
    _City("深圳", "华南", 8, 23.0, 7.0, 1900, 165,
          ("福田", "罗湖", "南山", "宝安", "龙岗", "龙华", "光明", "坪山")),
    _City("厦门", "华南", 5, 21.0, 7.5, 1350, 165,
          ("思明", "湖里", "集美", "海沧", "同安", "翔安")),
    _City("北京", "华北", 9, 12.5, 15.0, 550, 200,
          ("朝阳", "海淀", "东城", "西城", "丰台", "通州", "大兴", "昌平", "石景山")),
    _City("天津", "华北", 7, 12.5, 15.5, 550, 200,
          ("和平", "河西", "南开", "河东", "河北", "红桥", "滨海")),
    _City("石家庄", "华北", 4, 13.5, 15.0, 520, 200,
          ("长安", "桥西", "新华", "裕华")),
    _City("武汉", "华中", 7, 17.0, 13.0, 1300, 180,
          ("江汉", "江岸", "硚口", "武昌", "洪山", "汉阳", "青山")),
    _City("长沙", "华中", 5, 17.5, 12.5, 1400, 170,
          ("芙蓉", "天心", "岳麓", "开福", "雨花")),
    _City("郑州", "华中", 6, 15.0, 14.0, 640, 200,
          ("金水", "二七", "中原", "管城", "惠济", "郑东")),
    _City("成都", "西南", 7, 16.5, 10.0, 900, 200,
          ("锦江", "青羊", "金牛", "武侯", "成华", "高新", "双流")),
    _City("重庆", "西南", 6, 18.5, 11.0, 1100, 185,
          ("渝中", "江北", "南岸", "沙坪坝", "九龙坡", "渝北")),
    _City("昆明", "西南", 3, 15.5, 5.5, 1000, 200,
          ("五华", "盘龙", "官渡", "西山")),
    _City("西安", "西北", 5, 14.0, 13.5, 580, 200,
          ("雁塔", "碑林", "莲湖", "新城", "未央", "曲江")),
    _City("兰州", "西北", 3, 10.0, 13.5, 320, 205,
          ("城关", "七里河", "安宁")),
    _City("乌鲁木齐", "西北", 2, 7.5, 18.0, 290, 180,
          ("天山", "沙依巴克", "水磨沟")),
)
# fmt: on

STORE_FORMATS: tuple[str, ...] = ("旗舰店", "标准店", "社区店")
STORE_FORMAT_SHARES = (0.15, 0.50, 0.35)
# Floor area range in square metres, drawn uniformly and rounded to 10 m².
FLOOR_AREA_RANGE_M2 = {"旗舰店": (3000, 6000), "标准店": (1200, 2500), "社区店": (300, 900)}
# Average ticket in yuan per visitor, which turns sales into footfall.
AVERAGE_TICKET_YUAN = {"旗舰店": 230.0, "标准店": 160.0, "社区店": 95.0}

# ---------------------------------------------------------------------------
# The true sales model
# ---------------------------------------------------------------------------

SPRING_FESTIVAL_DAYS = (dt.date(2024, 2, 10), dt.date(2025, 1, 29), dt.date(2026, 2, 17))


def _monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _holiday_weeks() -> dict[str, tuple[dt.date, ...]]:
    """Map each holiday effect to the week starts it applies to inside the calendar."""
    week = dt.timedelta(weeks=1)
    festival = [_monday_of(day) for day in SPRING_FESTIVAL_DAYS]
    # 2023 has no 618 or Double 11 week in the calendar, which starts on 2023-12-04.
    june18 = [_monday_of(dt.date(year, 6, 18)) for year in (2024, 2025, 2026)]
    double11 = [_monday_of(dt.date(year, 11, 11)) for year in (2024, 2025, 2026)]
    weeks = {
        "spring_festival_two_weeks_before": [monday - 2 * week for monday in festival],
        "spring_festival_week_before": [monday - week for monday in festival],
        "spring_festival_week": festival,
        "june18_week_before": [monday - week for monday in june18],
        "june18_week": june18,
        "double11_week_before": [monday - week for monday in double11],
        "double11_week": double11,
    }
    calendar = set(WEEK_STARTS)
    return {name: tuple(day for day in days if day in calendar) for name, days in weeks.items()}


HOLIDAY_WEEKS = _holiday_weeks()

# Every coefficient is on the log scale: a value x multiplies sales by exp(coefficient * x).
DEMO_TRUTH: dict = {
    "model": (
        "log(sales) = log(base_sales_yuan[format]) + area_elasticity * log(area / "
        "reference_area_m2[format]) + store effect + trend[region] * years since "
        "2023-12-04 + seasonality + holidays + factors + noise"
    ),
    # Effect per unit of each column of 周度信号.csv, after subtracting factor_centres.
    # Search volume and competitor openings have no direct effect: search volume moves
    # with promotions and holidays, and an opening acts only through competitor heat.
    "factors": {
        "promotion": 0.40,
        "competitor_heat": -0.003,
        "temperature_squared": -0.00025,
        "consumer_confidence": 0.008,
        "precipitation": -0.0015,
        "search_index": 0.0,
        "competitor_opening": 0.0,
    },
    "factor_columns": {
        "promotion": "促销力度",
        "competitor_heat": "竞品热度",
        "temperature_squared": "平均气温(℃)",
        "consumer_confidence": "消费者信心指数",
        "precipitation": "降水量(毫米)",
        "search_index": "搜索指数",
        "competitor_opening": "竞品开业",
    },
    # temperature_squared applies to (temperature - comfort) ** 2.
    "factor_centres": {
        "promotion": 0.0,
        "competitor_heat": 50.0,
        "temperature_squared": 22.0,
        "consumer_confidence": 115.0,
        "precipitation": 0.0,
        "search_index": 0.0,
        "competitor_opening": 0.0,
    },
    "holidays": {
        "spring_festival_two_weeks_before": 0.12,
        "spring_festival_week_before": 0.22,
        "spring_festival_week": -0.45,
        "june18_week_before": 0.06,
        "june18_week": 0.20,
        "double11_week_before": 0.18,
        "double11_week": 0.55,
    },
    "holiday_weeks": {
        name: tuple(day.isoformat() for day in days) for name, days in HOLIDAY_WEEKS.items()
    },
    # Yearly growth of log sales per region.
    "trend": {"华东": 0.05, "华南": 0.06, "华北": 0.03, "华中": 0.04, "西南": 0.07, "西北": 0.02},
    # Fourier terms in angle = 2 * pi * (day of year of week_start - 1) / 365.25, so the
    # cosine term peaks at New Year and the negative sine term dips in spring.
    "seasonality": {"annual_cos": 0.06, "annual_sin": -0.03, "semiannual_cos": 0.02},
    "base_sales_yuan": {"旗舰店": 1_300_000.0, "标准店": 560_000.0, "社区店": 270_000.0},
    "reference_area_m2": {"旗舰店": 4500.0, "标准店": 1850.0, "社区店": 600.0},
    "area_elasticity": 0.5,
    "store_effect_sigma": 0.15,
    "noise_sigma": 0.06,
}

# ---------------------------------------------------------------------------
# Signal generation settings
# ---------------------------------------------------------------------------

# Nationwide campaigns: (holiday week names, share of stores taking part, intensity range).
NATIONAL_CAMPAIGNS = (
    (("double11_week",), 0.90, (0.50, 1.00)),
    (("double11_week_before",), 0.90, (0.30, 0.70)),
    (("june18_week",), 0.85, (0.40, 0.80)),
    (("june18_week_before",), 0.85, (0.20, 0.50)),
    (("spring_festival_two_weeks_before", "spring_festival_week_before"), 0.70, (0.20, 0.60)),
)
STORE_CAMPAIGN_START_PROBABILITY = 0.025  # per store and week
STORE_CAMPAIGN_WEEKS = (1, 3)
STORE_CAMPAIGN_INTENSITY = (0.10, 0.60)

COMPETITOR_OPENING_PROBABILITY = 0.0015  # per store and week, so 28 openings are expected
# After an opening, heat jumps by the sum of both terms and settles at the lasting one.
OPENING_HEAT_LASTING = 12.0
OPENING_HEAT_TRANSIENT = 10.0
OPENING_HEAT_DECAY_WEEKS = 4.0

SEARCH_BASE = {"旗舰店": 4000.0, "标准店": 1800.0, "社区店": 700.0}

MISSING_CELL_SHARE = 0.005
MISSING_CELL_MARKERS = ("", "NA")

NEGATIVE_SALES_WEEKS = (3, 6)  # inclusive range of store-weeks with net returns

# ---------------------------------------------------------------------------
# Names for accounts, contacts and reps
# ---------------------------------------------------------------------------

ACCOUNT_COUNT = 300
ACCOUNT_TYPES = ("技术决策型", "成本敏感型", "合规驱动型")
ACCOUNT_TYPE_SHARES = (0.35, 0.40, 0.25)
COMPANY_BRANDS = tuple(
    """
    博远 瑞丰 恒通 天成 宏达 新元 智联 鼎盛 明德 联创 众合 金石 德信 安和
    嘉禾 启明 华瑞 泰和 润泽 长青 远航 中拓 百川 同创 卓越 信达 锦程 万合
    海纳 凯捷 云帆 星辰 正源 和光 立信 永盛 青禾 东升 银河 尚品
    """.split()
)
COMPANY_INDUSTRIES = tuple(
    """
    科技 信息技术 网络科技 物流 医药 电子 贸易 餐饮管理 教育科技
    建设工程 新能源 智能制造 食品 供应链管理 文化传媒
    """.split()
)
COMPANY_SUFFIXES = ("有限公司", "有限公司", "股份有限公司", "集团有限公司")

CONTACT_ROLES = ("经济决策人", "技术评估人", "采购", "使用者", "法务")
ECONOMIC_BUYER = CONTACT_ROLES[0]
CONTACTS_PER_ACCOUNT = (3, 6)
# Roles after the economic buyer, weighted by account type (技术评估人, 采购, 使用者, 法务).
OTHER_ROLE_SHARES = {
    "技术决策型": (0.45, 0.20, 0.25, 0.10),
    "成本敏感型": (0.20, 0.45, 0.25, 0.10),
    "合规驱动型": (0.20, 0.20, 0.20, 0.40),
}
PERSONAS = (
    "cautious_cfo",
    "detail_driven_cto",
    "kpi_anxious_procurement",
    "compliance_minded_legal",
    "enthusiastic_champion",
    "sceptical_end_user",
    "budget_frozen_buyer",
    "new_decision_maker",
)
# Persona probabilities given the role, in PERSONAS order.
PERSONA_SHARES_BY_ROLE = {
    "经济决策人": (0.40, 0.05, 0.05, 0.00, 0.10, 0.00, 0.20, 0.20),
    "技术评估人": (0.00, 0.60, 0.00, 0.00, 0.20, 0.15, 0.00, 0.05),
    "采购": (0.10, 0.00, 0.60, 0.00, 0.00, 0.05, 0.25, 0.00),
    "使用者": (0.00, 0.10, 0.00, 0.00, 0.40, 0.50, 0.00, 0.00),
    "法务": (0.10, 0.00, 0.00, 0.85, 0.00, 0.05, 0.00, 0.00),
}
DEMO_TRUTH["persona_shares_by_role"] = {
    role: dict(zip(PERSONAS, shares, strict=True))
    for role, shares in PERSONA_SHARES_BY_ROLE.items()
}

REP_COUNT = 60
REP_WEEKLY_HOURS = (30, 45)
REP_SKILL_RANGE = (0.30, 0.95)

# Common surnames, most frequent first, drawn with weights falling off like 1 / rank.
SURNAMES = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦"
)
GIVEN_NAME_CHARACTERS = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文斌宇浩凯鹏辉"
    "丹婷雪琳晨欣悦思佳子梓睿博晓雨嘉俊志海东新天昊然怡诗涵一诺泽轩宁安源航"
)
TWO_CHARACTER_GIVEN_NAME_SHARE = 0.7


# ---------------------------------------------------------------------------
# Stores
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stores:
    """The store list, one entry per store in id order."""

    ids: list[str]
    names: list[str]
    regions: list[str]
    cities: list[str]
    city_indices: np.ndarray
    formats: list[str]
    areas_m2: np.ndarray


def _build_stores(rng: np.random.Generator) -> _Stores:
    ids, names, regions, cities, city_indices, formats, areas = [], [], [], [], [], [], []
    for city_index, city in enumerate(CITIES):
        districts = rng.choice(city.districts, size=city.store_count, replace=False)
        for district in districts:
            store_format = str(rng.choice(STORE_FORMATS, p=STORE_FORMAT_SHARES))
            low, high = FLOOR_AREA_RANGE_M2[store_format]
            ids.append(f"S{len(ids) + 1:03d}")
            names.append(f"{BRAND_PREFIX}{city.name}{district}店")
            regions.append(city.region)
            cities.append(city.name)
            city_indices.append(city_index)
            formats.append(store_format)
            areas.append(int(round(rng.uniform(low, high), -1)))
    return _Stores(
        ids=ids,
        names=names,
        regions=regions,
        cities=cities,
        city_indices=np.array(city_indices),
        formats=formats,
        areas_m2=np.array(areas),
    )


# ---------------------------------------------------------------------------
# Weekly signals
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signals:
    """Weekly signals as written to 周度信号.csv, each an array of shape (stores, weeks)."""

    promotion: np.ndarray
    temperature_c: np.ndarray
    precipitation_mm: np.ndarray
    consumer_confidence: np.ndarray
    competitor_heat: np.ndarray
    search_index: np.ndarray
    competitor_opening: np.ndarray


def _day_angle() -> np.ndarray:
    """Return 2 * pi * (day of year - 1) / 365.25 for each week start."""
    days = np.array([day.timetuple().tm_yday - 1 for day in WEEK_STARTS], dtype=float)
    return 2 * np.pi * days / 365.25


def _week_indices(names: Sequence[str]) -> np.ndarray:
    position = {day: index for index, day in enumerate(WEEK_STARTS)}
    return np.array(sorted(position[day] for name in names for day in HOLIDAY_WEEKS[name]))


def _ar1(rng: np.random.Generator, rows: int, phi: float, sigma: float) -> np.ndarray:
    """Draw ``rows`` stationary AR(1) series over the calendar."""
    series = np.empty((rows, WEEK_COUNT))
    series[:, 0] = rng.normal(0.0, sigma / np.sqrt(1 - phi**2), rows)
    shocks = rng.normal(0.0, sigma, (rows, WEEK_COUNT))
    for week in range(1, WEEK_COUNT):
        series[:, week] = phi * series[:, week - 1] + shocks[:, week]
    return series


def _simulate_weather(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Return weekly mean temperature (℃) and precipitation (mm) per city."""
    day_of_year = np.array([day.timetuple().tm_yday for day in WEEK_STARTS], dtype=float)
    mean = np.array([[city.mean_temperature_c] for city in CITIES])
    amplitude = np.array([[city.temperature_amplitude_c] for city in CITIES])
    # The coldest week falls around 20 January and the warmest half a year later.
    season = -np.cos(2 * np.pi * (day_of_year - 20) / 365.25)
    anomaly = _ar1(rng, len(CITIES), phi=0.6, sigma=2.0)
    temperature = np.round(mean + amplitude * season + anomaly, 1)

    weekly_mean = np.array([[city.annual_precipitation_mm / 52.18] for city in CITIES])
    peak = np.array([[city.wet_season_peak_day] for city in CITIES])
    # Rain is concentrated in the summer monsoon and the winter is dry.
    expected = weekly_mean * (1 + 0.8 * np.cos(2 * np.pi * (day_of_year - peak) / 365.25))
    shape = 0.7  # a gamma shape below 1 gives many weeks with little rain and a few downpours
    # Cap the rare extreme gamma draws so that one stormy week cannot dominate a fit.
    precipitation = np.round(np.minimum(rng.gamma(shape, expected / shape), 300.0), 1)
    return temperature, precipitation


def _simulate_promotions(rng: np.random.Generator, store_count: int) -> np.ndarray:
    """Return promotion intensity 0-1 per store and week, rounded to two decimals."""
    promotion = np.zeros((store_count, WEEK_COUNT))
    for week_names, participation, (low, high) in NATIONAL_CAMPAIGNS:
        weeks = _week_indices(week_names)
        joined = rng.random((store_count, len(weeks))) < participation
        intensity = rng.uniform(low, high, (store_count, len(weeks)))
        promotion[:, weeks] = np.maximum(promotion[:, weeks], np.where(joined, intensity, 0.0))

    # Each store also runs its own short campaigns at random times.
    starts = rng.random((store_count, WEEK_COUNT)) < STORE_CAMPAIGN_START_PROBABILITY
    lengths = rng.integers(STORE_CAMPAIGN_WEEKS[0], STORE_CAMPAIGN_WEEKS[1] + 1, starts.shape)
    intensities = rng.uniform(*STORE_CAMPAIGN_INTENSITY, starts.shape)
    for store, week in zip(*np.nonzero(starts), strict=True):
        end = week + lengths[store, week]
        campaign = promotion[store, week:end]
        promotion[store, week:end] = np.maximum(campaign, intensities[store, week])
    return np.round(promotion, 2)


def _simulate_consumer_confidence(rng: np.random.Generator) -> np.ndarray:
    """Return one national index per week, drifting from about 114 towards 121."""
    trend = np.linspace(114.0, 121.0, WEEK_COUNT)
    deviation = _ar1(rng, 1, phi=0.95, sigma=0.5)[0]
    return np.round(np.clip(trend + deviation, 110.0, 125.0), 1)


def _simulate_competitors(
    rng: np.random.Generator, stores: _Stores
) -> tuple[np.ndarray, np.ndarray]:
    """Return competitor heat 0-100 and the competitor-opening flag per store and week.

    Heat is a city-level series, plus a lasting rise at a store after a competitor opens
    nearby.
    """
    base = rng.uniform(25.0, 65.0, (len(CITIES), 1))
    city_heat = base + _ar1(rng, len(CITIES), phi=0.9, sigma=3.0)
    heat = city_heat[stores.city_indices].copy()

    opening = rng.random(heat.shape) < COMPETITOR_OPENING_PROBABILITY
    for store, week in zip(*np.nonzero(opening), strict=True):
        weeks_since = np.arange(WEEK_COUNT - week)
        transient = OPENING_HEAT_TRANSIENT * np.exp(-weeks_since / OPENING_HEAT_DECAY_WEEKS)
        heat[store, week:] += OPENING_HEAT_LASTING + transient
    return np.round(np.clip(heat, 0.0, 100.0), 1), opening.astype(int)


def _holiday_log_effect() -> np.ndarray:
    effect = np.zeros(WEEK_COUNT)
    for name, coefficient in DEMO_TRUTH["holidays"].items():
        effect[_week_indices([name])] += coefficient
    return effect


def _simulate_search_index(
    rng: np.random.Generator, stores: _Stores, promotion: np.ndarray
) -> np.ndarray:
    """Return a search volume index that follows promotions and holidays.

    It is a leading indicator only: DEMO_TRUTH gives it no direct effect on sales.
    """
    base = np.array([SEARCH_BASE[store_format] for store_format in stores.formats])
    level = base * rng.lognormal(0.0, 0.25, len(base))
    noise = _ar1(rng, len(base), phi=0.7, sigma=0.08)
    log_index = 0.6 * promotion + 0.5 * _holiday_log_effect() + noise
    return np.round(level[:, None] * np.exp(log_index)).astype(int)


def _simulate_signals(rng: np.random.Generator, stores: _Stores) -> _Signals:
    weather_rng, promotion_rng, confidence_rng, competitor_rng, search_rng = rng.spawn(5)
    temperature, precipitation = _simulate_weather(weather_rng)
    promotion = _simulate_promotions(promotion_rng, len(stores.ids))
    confidence = _simulate_consumer_confidence(confidence_rng)
    heat, opening = _simulate_competitors(competitor_rng, stores)
    return _Signals(
        promotion=promotion,
        temperature_c=temperature[stores.city_indices],
        precipitation_mm=precipitation[stores.city_indices],
        consumer_confidence=np.tile(confidence, (len(stores.ids), 1)),
        competitor_heat=heat,
        search_index=_simulate_search_index(search_rng, stores, promotion),
        competitor_opening=opening,
    )


# ---------------------------------------------------------------------------
# Weekly sales
# ---------------------------------------------------------------------------


def _factor_log_effect(signals: _Signals) -> np.ndarray:
    factors = DEMO_TRUTH["factors"]
    centres = DEMO_TRUTH["factor_centres"]
    temperature_gap = signals.temperature_c - centres["temperature_squared"]
    return (
        factors["promotion"] * (signals.promotion - centres["promotion"])
        + factors["competitor_heat"] * (signals.competitor_heat - centres["competitor_heat"])
        + factors["temperature_squared"] * temperature_gap**2
        + factors["consumer_confidence"]
        * (signals.consumer_confidence - centres["consumer_confidence"])
        + factors["precipitation"] * (signals.precipitation_mm - centres["precipitation"])
        + factors["search_index"] * (signals.search_index - centres["search_index"])
        + factors["competitor_opening"]
        * (signals.competitor_opening - centres["competitor_opening"])
    )


def _simulate_sales(
    rng: np.random.Generator, stores: _Stores, signals: _Signals
) -> tuple[np.ndarray, np.ndarray]:
    """Return weekly sales in yuan (two decimals) and visitors per store and week."""
    truth = DEMO_TRUTH
    store_count = len(stores.ids)

    base = np.array([truth["base_sales_yuan"][store_format] for store_format in stores.formats])
    reference_area = np.array(
        [truth["reference_area_m2"][store_format] for store_format in stores.formats]
    )
    store_effect = rng.normal(0.0, truth["store_effect_sigma"], store_count)
    store_level = (
        np.log(base)
        + truth["area_elasticity"] * np.log(stores.areas_m2 / reference_area)
        + store_effect
    )

    years = np.arange(WEEK_COUNT) * 7 / 365.25
    growth = np.array([truth["trend"][region] for region in stores.regions])
    angle = _day_angle()
    season = truth["seasonality"]
    seasonality = (
        season["annual_cos"] * np.cos(angle)
        + season["annual_sin"] * np.sin(angle)
        + season["semiannual_cos"] * np.cos(2 * angle)
    )

    log_sales = (
        store_level[:, None]
        + growth[:, None] * years[None, :]
        + seasonality[None, :]
        + _holiday_log_effect()[None, :]
        + _factor_log_effect(signals)
        + rng.normal(0.0, truth["noise_sigma"], (store_count, WEEK_COUNT))
    )
    modelled_sales = np.exp(log_sales)

    # Footfall follows the modelled sales, so a week with net returns still has visitors.
    ticket = np.array([AVERAGE_TICKET_YUAN[store_format] for store_format in stores.formats])
    ticket = ticket * rng.lognormal(0.0, 0.10, store_count)
    weekly_ticket = ticket[:, None] * rng.lognormal(0.0, 0.05, modelled_sales.shape)
    visitors = np.round(modelled_sales / weekly_ticket).astype(int)

    # A few store-weeks book more returns than sales, as real exports do.
    sales = np.round(modelled_sales, 2)
    low, high = NEGATIVE_SALES_WEEKS
    negative_count = int(rng.integers(low, high + 1))
    cells = rng.choice(sales.size, size=negative_count, replace=False)
    sales.flat[cells] = -np.round(rng.uniform(3_000.0, 80_000.0, negative_count), 2)
    return sales, visitors


# ---------------------------------------------------------------------------
# Accounts, contacts and reps
# ---------------------------------------------------------------------------


def _draw_person_name(rng: np.random.Generator) -> str:
    ranks = np.arange(1, len(SURNAMES) + 1)
    surname = str(rng.choice(SURNAMES, p=(1 / ranks) / np.sum(1 / ranks)))
    length = 2 if rng.random() < TWO_CHARACTER_GIVEN_NAME_SHARE else 1
    given_name = "".join(str(char) for char in rng.choice(GIVEN_NAME_CHARACTERS, size=length))
    return surname + given_name


def _region_shares() -> np.ndarray:
    """Return each region's share of the stores, used to spread accounts and reps."""
    counts = np.array(
        [sum(city.store_count for city in CITIES if city.region == region) for region in REGIONS]
    )
    return counts / counts.sum()


def _build_accounts(rng: np.random.Generator) -> list[list[object]]:
    rows: list[list[object]] = []
    used_names: set[str] = set()
    for number in range(1, ACCOUNT_COUNT + 1):
        region = str(rng.choice(REGIONS, p=_region_shares()))
        region_cities = [city.name for city in CITIES if city.region == region]
        name = ""
        while not name or name in used_names:
            name = "".join(
                (
                    str(rng.choice(region_cities)),
                    str(rng.choice(COMPANY_BRANDS)),
                    str(rng.choice(COMPANY_INDUSTRIES)),
                    str(rng.choice(COMPANY_SUFFIXES)),
                )
            )
        used_names.add(name)
        account_type = str(rng.choice(ACCOUNT_TYPES, p=ACCOUNT_TYPE_SHARES))
        employees = int(np.clip(round(rng.lognormal(np.log(300), 1.1)), 10, 50_000))
        # Budget in units of 10,000 yuan, roughly 500 to 3,000 yuan per employee.
        budget = max(5.0, round(employees * rng.uniform(0.05, 0.30), 1))
        rows.append([f"A{number:04d}", name, account_type, region, employees, budget])
    return rows


def _build_contacts(rng: np.random.Generator, accounts: list[list[object]]) -> list[list[object]]:
    rows: list[list[object]] = []
    other_roles = CONTACT_ROLES[1:]
    low, high = CONTACTS_PER_ACCOUNT
    for account_id, _name, account_type, *_rest in accounts:
        count = int(rng.integers(low, high + 1))
        # Every buying committee has an economic buyer, listed first.
        roles = [ECONOMIC_BUYER] + [
            str(role)
            for role in rng.choice(other_roles, size=count - 1, p=OTHER_ROLE_SHARES[account_type])
        ]
        for role in roles:
            persona = str(rng.choice(PERSONAS, p=PERSONA_SHARES_BY_ROLE[role]))
            contact_id = f"C{len(rows) + 1:05d}"
            rows.append([contact_id, account_id, _draw_person_name(rng), role, persona])
    return rows


def _build_reps(rng: np.random.Generator, stores: _Stores) -> list[list[object]]:
    rows: list[list[object]] = []
    low_hours, high_hours = REP_WEEKLY_HOURS
    for number in range(1, REP_COUNT + 1):
        region = str(rng.choice(REGIONS, p=_region_shares()))
        region_stores = [
            store_id
            for store_id, store_region in zip(stores.ids, stores.regions, strict=True)
            if store_region == region
        ]
        home_store = str(rng.choice(region_stores))
        hours = int(rng.integers(low_hours, high_hours + 1))
        skill = round(float(rng.uniform(*REP_SKILL_RANGE)), 2)
        rows.append(
            [f"R{number:03d}", _draw_person_name(rng), region, home_store, hours, f"{skill:.2f}"]
        )
    return rows


# ---------------------------------------------------------------------------
# File writers
# ---------------------------------------------------------------------------


def _csv_text(header: Sequence[str], rows: list[list[object]], line_end: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=line_end)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _slash_date(day: dt.date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _units_xlsx_bytes(stores: _Stores) -> bytes:
    """Return the store list as XLSX bytes with a merged two-row header."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "门店"

    sheet["A1"] = "门店编号"
    sheet["B1"] = "门店信息"
    sheet["E1"] = "经营信息"
    subheaders = ("门店名称", "大区", "城市", "业态", "面积(平方米)")
    for column, title in zip("BCDEF", subheaders, strict=True):
        sheet[f"{column}2"] = title
    for cell_range in ("A1:A2", "B1:D1", "E1:F1"):
        sheet.merge_cells(cell_range)
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center")
    for column, width in zip("ABCDEF", (10, 22, 8, 10, 8, 14), strict=True):
        sheet.column_dimensions[column].width = width

    for index, store_id in enumerate(stores.ids):
        sheet.append(
            [
                store_id,
                stores.names[index],
                stores.regions[index],
                stores.cities[index],
                stores.formats[index],
                int(stores.areas_m2[index]),
            ]
        )

    workbook.properties.creator = f"{COMPANY_NAME} CRM"
    workbook.properties.created = EXPORT_TIME
    workbook.properties.modified = EXPORT_TIME
    # Workbook.save would stamp the current time into the document properties, so the
    # ExcelWriter is driven directly. ExcelWriter.save closes the archive.
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(workbook, archive).save()
    return _with_fixed_zip_times(buffer.getvalue())


def _with_fixed_zip_times(data: bytes) -> bytes:
    """Rewrite a ZIP archive with every entry dated EXPORT_TIME.

    zipfile stamps entries added by name with the current local time, which would make
    two runs with the same seed differ.
    """
    output = io.BytesIO()
    date_time = EXPORT_TIME.timetuple()[:6]
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=date_time)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(entry.filename))
    return output.getvalue()


def _sales_csv_bytes(stores: _Stores, sales: np.ndarray, visitors: np.ndarray) -> bytes:
    """Return 周销售.csv as UTF-8 with a BOM and CRLF line endings."""
    rows = [
        [
            store_id,
            _slash_date(day),
            f"{sales[store, week]:,.2f}",
            int(visitors[store, week]),
        ]
        for store, store_id in enumerate(stores.ids)
        for week, day in enumerate(WEEK_STARTS)
    ]
    header = ("门店编号", "周开始日期", "销售额(元)", "客流(人次)")
    return _csv_text(header, rows, "\r\n").encode("utf-8-sig")


def _signals_csv_bytes(rng: np.random.Generator, stores: _Stores, signals: _Signals) -> bytes:
    """Return 周度信号.csv as GBK with LF line endings and a few missing cells.

    Encoding with the strict GBK codec raises UnicodeEncodeError on any character that
    GBK lacks, so a bad header or value cannot be written silently.
    """
    columns = (
        (signals.promotion, "{:.2f}"),
        (signals.temperature_c, "{:.1f}"),
        (signals.precipitation_mm, "{:.1f}"),
        (signals.consumer_confidence, "{:.1f}"),
        (signals.competitor_heat, "{:.1f}"),
        (signals.search_index, "{:d}"),
    )
    missing = rng.random((len(stores.ids), WEEK_COUNT, len(columns))) < MISSING_CELL_SHARE
    markers = rng.choice(MISSING_CELL_MARKERS, size=missing.shape)

    rows = []
    for store, store_id in enumerate(stores.ids):
        for week, day in enumerate(WEEK_STARTS):
            row: list[object] = [store_id, _chinese_date(day)]
            for column, (values, template) in enumerate(columns):
                if missing[store, week, column]:
                    row.append(str(markers[store, week, column]))
                else:
                    row.append(template.format(values[store, week].item()))
            row.append(int(signals.competitor_opening[store, week]))
            rows.append(row)
    header = (
        "门店编号",
        "周开始日期",
        "促销力度",
        "平均气温(℃)",
        "降水量(毫米)",
        "消费者信心指数",
        "竞品热度",
        "搜索指数",
        "竞品开业",
    )
    return _csv_text(header, rows, "\n").encode("gbk")


def write_demo_files(folder: str | Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo company's export files into a folder and return their paths.

    Parameters
    ----------
    folder
        Destination folder. Missing parent folders are created, and files of the same
        names are overwritten.
    seed
        Seed for ``numpy.random.default_rng``. The same seed gives byte-identical files.

    Returns
    -------
    list of Path
        The written files, in the order of :data:`DEMO_FILES`.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    # One child generator per part, so that changing one part leaves the others' draws as
    # they were.
    rng = np.random.default_rng(seed)
    store_rng, signal_rng, sales_rng, missing_rng, account_rng, contact_rng, rep_rng = rng.spawn(7)

    stores = _build_stores(store_rng)
    signals = _simulate_signals(signal_rng, stores)
    sales, visitors = _simulate_sales(sales_rng, stores, signals)
    accounts = _build_accounts(account_rng)
    contacts = _build_contacts(contact_rng, accounts)
    reps = _build_reps(rep_rng, stores)

    contents = {
        UNITS_FILE: _units_xlsx_bytes(stores),
        SALES_FILE: _sales_csv_bytes(stores, sales, visitors),
        SIGNALS_FILE: _signals_csv_bytes(missing_rng, stores, signals),
        ACCOUNTS_FILE: _csv_text(
            ("客户编号", "客户名称", "客户类型", "大区", "员工人数", "年度预算(万元)"),
            accounts,
            "\n",
        ).encode("utf-8"),
        CONTACTS_FILE: _csv_text(
            ("联系人编号", "客户编号", "姓名", "角色", "画像"), contacts, "\n"
        ).encode("utf-8"),
        REPS_FILE: _csv_text(
            ("代表编号", "姓名", "大区", "门店编号", "每周可用工时", "技能评分"), reps, "\n"
        ).encode("utf-8"),
    }

    paths = []
    for name in DEMO_FILES:
        path = folder / name
        path.write_bytes(contents[name])
        paths.append(path)
    return paths
