"""National-scale data for the benchmarks: the 34 provinces and 3,321 communes of 2025.

``build`` makes the whole dataset as plain tuples from ``random.Random(seed)`` (deterministic,
no database); ``write`` bulk-inserts it into the configured database; ``generate`` does both and
loads the default plan, owned by the national root.

Proportions at ``scale=1.0`` (10 years, 2022–2031), chosen to look like the real thing:

- a root ``VN`` (organisation, "Toàn quốc"), 34 provinces/cities ``P01``…, 3,321 communes and
  wards ``P01-X001``… (60–200 per province), 20 provincial departments ``P01-D01``…;
- budget: a ``total`` line for every commune and province every year; ``science_technology``
  lines from 1–3 funding sources for ~60 % of those unit-years (most from one source);
- start-ups ~0.05 per commune-year (a few dated before the plan's start, a few unsupported);
- key products ~2 per commune, ~50 % with IP titles of mixed kinds (granted, pending, expired),
  ~20 % along a value chain, a few ended; some IP titles protect no product;
- S&T projects ~0.3 per commune-year; inspections, trainings and initiatives ~0.1 each;
- departments: only some dated records (projects, inspections, trainings, initiatives,
  start-ups), no budget: they exercise the "no data" rule.

``scale`` shrinks everything: communes and departments in proportion, provinces by its square
root (at least 2), so tests can use ``scale=0.01`` (a few hundred rows).
"""

import datetime
import math
import random
import time
from dataclasses import dataclass, field

COMMUNES = 3321


def _names(text: str) -> list[str]:
    return text.split("|")


CITIES = ["Hà Nội", "Huế", "Hải Phòng", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ"]
PROVINCES = _names(
    "Lai Châu|Điện Biên|Sơn La|Lạng Sơn|Quảng Ninh|Thanh Hóa|Nghệ An|Hà Tĩnh|Cao Bằng|"
    "Tuyên Quang|Lào Cai|Thái Nguyên|Phú Thọ|Bắc Ninh|Hưng Yên|Ninh Bình|Quảng Trị|Quảng Ngãi|"
    "Gia Lai|Khánh Hòa|Lâm Đồng|Đắk Lắk|Đồng Nai|Tây Ninh|Vĩnh Long|Đồng Tháp|Cà Mau|An Giang"
)
PROVINCE_NAMES = [(n, "city") for n in CITIES] + [(n, "province") for n in PROVINCES]  # 34
DEPARTMENTS = _names(
    "Sở Khoa học và Công nghệ|Sở Tài chính|Sở Nông nghiệp và Môi trường|Sở Công Thương|"
    "Sở Xây dựng|Sở Giáo dục và Đào tạo|Sở Y tế|Sở Văn hóa, Thể thao và Du lịch|Sở Nội vụ|"
    "Sở Tư pháp|Sở Ngoại vụ|Sở Dân tộc và Tôn giáo|Thanh tra tỉnh|Văn phòng UBND tỉnh|"
    "Ban Quản lý các khu công nghiệp|Đài Phát thanh và Truyền hình|Trường Chính trị|"
    "Trung tâm Xúc tiến đầu tư|Liên minh Hợp tác xã|Trung tâm Khuyến nông"
)
SOURCES = ["local", "central", "private", "oda", "fdi", "credit", "bonds", "other"]
SOURCE_WEIGHTS = [60, 20, 8, 3, 3, 2, 2, 2]
IP_KINDS = _names(
    "trademark|collective_mark|certification_mark|geographical_indication|industrial_design|"
    "patent|utility_solution|plant_variety"
)
IP_WEIGHTS = [30, 30, 20, 10, 5, 2, 2, 1]
FIELDS = ["nông nghiệp", "thủy sản", "chế biến", "y tế", "môi trường", "chuyển đổi số"]


# The columns of each register's rows: "org_unit" is a unit code, "product" a key product ref.
COLUMNS = {
    "budget": ("org_unit", "year", "kind", "source", "amount"),
    "startups": ("ref", "org_unit", "name", "kind", "supported_on"),
    "products": (
        "ref", "org_unit", "name", "kind", "ocop_stars", "recognised_on", "ended_on",
        "value_chain_since",
    ),
    "ip_titles": ("ref", "org_unit", "kind", "product", "filed_on", "granted_on", "expires_on"),
    "projects": ("ref", "org_unit", "name", "year", "field"),
    "inspections": ("ref", "org_unit", "inspected_on", "subject"),
    "trainings": ("ref", "org_unit", "title", "held_on", "participants"),
    "initiatives": ("ref", "org_unit", "title", "year"),
}  # fmt: skip


@dataclass
class Dataset:
    """Rows as plain tuples in the order of ``COLUMNS``; units are (code, name, kind, parent)."""

    units: list = field(default_factory=list)
    budget: list = field(default_factory=list)
    startups: list = field(default_factory=list)
    products: list = field(default_factory=list)
    ip_titles: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    inspections: list = field(default_factory=list)
    trainings: list = field(default_factory=list)
    initiatives: list = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in vars(self).items()}


def allocate(total: int, parts: int, lo: int, hi: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` sizes within [lo, hi], uneven like real provinces."""
    lo = min(lo, total // parts)
    hi = max(hi, -(-total // parts))
    sizes = [lo] * parts
    weights = [rng.lognormvariate(0, 0.7) for _ in range(parts)]
    for _ in range(total - lo * parts):
        i = rng.choices(range(parts), weights)[0]
        sizes[i] += 1
        if sizes[i] >= hi:
            weights[i] = 0.0
    return sizes


class _Builder:
    def __init__(self, scale: float, seed: int, years):
        self.rng = random.Random(seed)
        self.years = list(years)
        self.first, self.last = self.years[0], self.years[-1]
        self.data = Dataset()
        self.serial: dict[str, int] = {}
        self.scale = scale

    def ref(self, prefix: str) -> str:
        self.serial[prefix] = self.serial.get(prefix, 0) + 1
        return f"{prefix}-{self.serial[prefix]:06d}"

    def day(self, year: int) -> datetime.date:
        """A day of ``year``; 1/1 and 31/12 often enough to test the edges."""
        r = self.rng.random()
        if r < 0.03:
            return datetime.date(year, 1, 1)
        if r < 0.06:
            return datetime.date(year, 12, 31)
        return datetime.date(year, 1, 1) + datetime.timedelta(days=self.rng.randrange(365))

    def poisson(self, mean: float) -> int:
        """A small Poisson draw (Knuth), enough for means well under 10."""
        limit, k, p = math.exp(-mean), 0, self.rng.random()
        while p > limit:
            k += 1
            p *= self.rng.random()
        return k

    # --- units ----------------------------------------------------------------------------

    def units(self) -> tuple[list[str], list[str], list[str]]:
        rng, scale = self.rng, self.scale
        n_prov = max(2, min(34, round(34 * math.sqrt(scale))))
        n_comm = max(2 * n_prov, round(COMMUNES * scale))
        n_dept = max(2, min(20, round(20 * math.sqrt(scale))))
        mean = n_comm / n_prov
        sizes = allocate(
            n_comm,
            n_prov,
            max(1, round(mean * 60 / (COMMUNES / 34))),
            round(mean * 200 / (COMMUNES / 34)),
            rng,
        )
        units = self.data.units
        units.append(("VN", "Toàn quốc", "organisation", None))
        provinces, communes, depts = [], [], []
        for p, size in enumerate(sizes, start=1):
            pname, pkind = PROVINCE_NAMES[(p - 1) % len(PROVINCE_NAMES)]
            pcode = f"P{p:02d}"
            title = "UBND thành phố" if pkind == "city" else "UBND tỉnh"
            units.append((pcode, f"{title} {pname}", pkind, "VN"))
            provinces.append(pcode)
            for x in range(1, size + 1):
                kind = "ward" if rng.random() < (0.45 if pkind == "city" else 0.15) else "commune"
                label = "phường" if kind == "ward" else "xã"
                code = f"{pcode}-X{x:03d}"
                units.append((code, f"UBND {label} số {x} ({pname})", kind, pcode))
                communes.append(code)
            for d in range(1, n_dept + 1):
                code = f"{pcode}-D{d:02d}"
                units.append((code, f"{DEPARTMENTS[(d - 1) % 20]} {pname}", "department", pcode))
                depts.append(code)
        return provinces, communes, depts

    # --- registers ------------------------------------------------------------------------

    def budget(self, unit: str, base: float) -> None:
        rng = self.rng
        for i, year in enumerate(self.years):
            total = int(base * 1.06**i * rng.uniform(0.9, 1.1))
            self.data.budget.append((unit, year, "total", "", total))
            if rng.random() < 0.6:
                n = rng.choices([1, 2, 3], [60, 30, 10])[0]
                picked: list[str] = []
                while len(picked) < n:
                    s = rng.choices(SOURCES, SOURCE_WEIGHTS)[0]
                    if s not in picked:
                        picked.append(s)
                for s in picked:
                    amount = int(total * rng.uniform(0.0002, 0.004) / n)
                    self.data.budget.append((unit, year, "science_technology", s, amount))

    def dated_records(self, unit: str, year: int, rates: dict[str, float]) -> None:
        d = self.data
        for _ in range(self.poisson(rates.get("startup", 0))):
            supported = None if self.rng.random() < 0.1 else self.day(year)
            kind = self.rng.choice(["idea", "project"])
            d.startups.append((self.ref("SU"), unit, "Dự án khởi nghiệp", kind, supported))
        for _ in range(self.poisson(rates.get("project", 0))):
            fld = self.rng.choice(FIELDS)
            d.projects.append((self.ref("PR"), unit, f"Ứng dụng KH&CN {fld}", year, fld))
        for _ in range(self.poisson(rates.get("inspection", 0))):
            d.inspections.append((self.ref("QI"), unit, self.day(year), "Hàng hóa"))
        for _ in range(self.poisson(rates.get("training", 0))):
            people = self.rng.randint(10, 120)
            d.trainings.append((self.ref("TR"), unit, "Tập huấn", self.day(year), people))
        for _ in range(self.poisson(rates.get("initiative", 0))):
            d.initiatives.append((self.ref("IN"), unit, "Sáng kiến", year))

    def key_products(self, unit: str) -> None:
        rng, d = self.rng, self.data
        for _ in range(rng.choices([0, 1, 2, 3, 4], [10, 25, 35, 20, 10])[0]):
            r = rng.random()
            if r < 0.4:
                recognised = None
            elif r < 0.7:
                recognised = self.day(rng.randint(self.first - 8, self.first - 1))
            else:
                recognised = self.day(rng.choice(self.years))
            start = (recognised or datetime.date(self.first - 1, 1, 1)).year
            ended = None
            if rng.random() < 0.06:
                ended = self.day(rng.randint(max(start, self.first), self.last))
                ended = max(ended, recognised or ended)
            chain = None
            if rng.random() < 0.2:
                chain = self.day(rng.randint(min(start, self.first - 2), self.last))
            stars = rng.choice([None, None, 3, 3, 4, 5])
            ref = self.ref("KP")
            d.products.append(
                (ref, unit, "Sản phẩm chủ lực", "key", stars, recognised, ended, chain)
            )
            if rng.random() < 0.5:
                self.ip_title(unit, ref)
                if rng.random() < 0.15:
                    self.ip_title(unit, ref)

    def ip_title(self, unit: str, product: str | None) -> None:
        rng = self.rng
        filed = self.day(rng.randint(self.first - 7, self.last))
        granted = expires = None
        r = rng.random()
        if r < 0.65:  # granted, mostly still valid
            granted = filed + datetime.timedelta(days=rng.randint(120, 720))
            if rng.random() < 0.5:
                expires = filed.replace(year=filed.year + 10, day=min(filed.day, 28))
        elif r < 0.8:  # granted and expired (or lapsing) inside the period
            granted = filed + datetime.timedelta(days=rng.randint(120, 540))
            expires = max(granted, self.day(rng.randint(self.first, self.last)))
        # else: still pending (filed, not granted)
        kind = rng.choices(IP_KINDS, IP_WEIGHTS)[0]
        self.data.ip_titles.append((self.ref("IP"), unit, kind, product, filed, granted, expires))

    def edges(self, unit: str) -> None:
        """Records dated exactly on the edges the formulas must get right (one set per
        province): the day before and the day of the plan's start, a product recognised,
        protected, taken onto a value chain, losing its title and ending, each on a 31/12."""
        f, d = self.first, self.data

        def dec31(year: int) -> datetime.date:
            return datetime.date(year, 12, 31)

        d.startups.append((self.ref("SU"), unit, "Khởi nghiệp (mốc)", "idea", dec31(f - 1)))
        d.startups.append(
            (self.ref("SU"), unit, "Khởi nghiệp (mốc)", "project", datetime.date(f, 1, 1))
        )
        ref = self.ref("KP")
        d.products.append(
            (ref, unit, "Đặc sản (mốc)", "specialty", 4, dec31(f + 1), dec31(f + 5), dec31(f + 2))
        )
        filed = datetime.date(f - 1, 6, 1)
        d.ip_titles.append(
            (
                self.ref("IP"),
                unit,
                "geographical_indication",
                ref,
                filed,
                dec31(f + 1),
                dec31(f + 3),
            )
        )

    def build(self) -> Dataset:
        provinces, communes, depts = self.units()
        rng = self.rng
        for p in provinces:
            self.budget(p, 2.5e13 * rng.lognormvariate(0, 0.5))
            for year in self.years:
                self.dated_records(p, year, {"project": 0.5})
        for c in communes:
            if c.endswith("-X001"):
                self.edges(c)
            self.budget(c, 4e10 * rng.lognormvariate(0, 0.4))
            self.key_products(c)
            for year in [self.first - 1, *self.years]:
                rates = {"startup": 0.05}
                if year >= self.first:
                    rates |= {"project": 0.3, "inspection": 0.1, "training": 0.1}
                    rates["initiative"] = 0.1
                self.dated_records(c, year, rates)
            if rng.random() < 0.02:
                self.ip_title(c, None)  # a patent or mark held by the unit, no key product
        dept_rates = {
            "startup": 0.02,
            "project": 0.15,
            "inspection": 0.3,
            "training": 0.3,
            "initiative": 0.2,
        }
        for dept in depts:
            active = rng.random()  # some departments hardly ever record anything
            for year in self.years:
                self.dated_records(dept, year, {k: v * active for k, v in dept_rates.items()})
        return self.data


def build(scale: float = 1.0, seed: int = 7, years=range(2022, 2032)) -> Dataset:
    """The dataset as plain rows; same ``scale``, ``seed`` and ``years`` give the same rows."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    return _Builder(scale, seed, years).build()


def _models() -> dict:
    from kehoach.registers import models as r

    return {
        "budget": r.BudgetLine,
        "startups": r.Startup,
        "products": r.KeyProduct,
        "ip_titles": r.IPTitle,
        "projects": r.STProject,
        "inspections": r.QualityInspection,
        "trainings": r.Training,
        "initiatives": r.Initiative,
    }


def write(data: Dataset, batch_size: int = 2000) -> dict[str, int]:
    """Bulk-insert ``data`` into the configured database in one transaction."""
    from django.db import transaction

    from kehoach.orgunits.models import OrgUnit

    with transaction.atomic():
        ids: dict[str, int] = {}
        for level in (
            [u for u in data.units if u[3] is None],
            [u for u in data.units if u[3] == "VN"],
            [u for u in data.units if u[3] not in (None, "VN")],
        ):
            made = OrgUnit.objects.bulk_create(
                [OrgUnit(code=c, name=n, kind=k, parent_id=ids.get(p)) for c, n, k, p in level],
                batch_size=batch_size,
            )
            ids.update((u.code, u.pk) for u in made)
        products: dict[str, int] = {}
        for name, model in _models().items():  # products before the IP titles that name them
            objs = []
            for row in getattr(data, name):
                values = dict(zip(COLUMNS[name], row, strict=True))
                values["org_unit_id"] = ids[values.pop("org_unit")]
                if "product" in values:
                    values["product_id"] = products.get(values.pop("product"))
                objs.append(model(**values))
            made = model.objects.bulk_create(objs, batch_size=batch_size)
            if name == "products":
                products = {p.ref: p.pk for p in made}
    return data.counts()


def generate(scale: float = 1.0, seed: int = 7, years=range(2022, 2032)) -> dict:
    """Build, write and bind the default plan to the national root. Returns counts and
    ``seconds`` (the wall time of the whole generation)."""
    from kehoach.orgunits.models import OrgUnit
    from kehoach.plans.planfile import load_default_plan

    started = time.perf_counter()
    counts = write(build(scale, seed, years))
    plan = load_default_plan()
    plan.owner = OrgUnit.objects.get(code="VN")
    plan.save(update_fields=["owner"])
    return {**counts, "plan": plan.code, "seconds": time.perf_counter() - started}
