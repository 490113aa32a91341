"""Customer names by type and valid 统一社会信用代码 for the synthetic portfolio."""

from __future__ import annotations

import numpy as np

from huikuan.core.uscc import ALPHABET, check_character
from huikuan.demo import names as N

GOV, PUB, SOE, LARGE, SME, OTHER = range(6)  # customer types, in the order of customers.TYPES


def choice_by(rng: np.random.Generator, groups: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Per row, a draw from the distribution ``table[groups[row]]`` (rows of ``table`` sum to 1)."""
    cum = np.cumsum(table, axis=1)
    cum[:, -1] = 1.0
    u = rng.random(len(groups))
    return (u[:, None] > cum[groups]).sum(axis=1)


def _brand(b1: int, b2: int) -> tuple[str, str]:
    first, second = N.BRAND_FIRST[b1], N.BRAND_SECOND[b2]
    if first[0] == second[0]:
        second = N.BRAND_SECOND[(b2 + 1) % len(N.BRAND_SECOND)]
    return first[0] + second[0], first[1] + second[1]


def org_code_check(body: np.ndarray) -> np.ndarray:
    """GB 11714 check character for rows of 8 code values (base-36 digit values)."""
    weights = np.array([3, 7, 9, 10, 5, 8, 4, 2])
    remainder = 11 - (body * weights).sum(axis=1) % 11
    return np.where(remainder == 10, "X", np.where(remainder == 11, "0", remainder.astype(str)))


def make_usccs(rng: np.random.Generator, prefixes: list[str], divisions: list[str]) -> list[str]:
    """Valid, distinct codes: GB 11714 organisation code inside, GB 32100 check character last."""
    n = len(prefixes)
    letters = np.array(list(ALPHABET))
    digits_only = np.array([not p.startswith("9") for p in prefixes])
    body_idx = rng.integers(0, len(ALPHABET), (n, 8))
    body_idx[digits_only] = rng.integers(0, 10, (int(digits_only.sum()), 8))
    new_style = (~digits_only) & (rng.random(n) < 0.5)  # 2015+ registrations: MA…
    body_idx[new_style, 0] = ALPHABET.index("M")
    body_idx[new_style, 1] = ALPHABET.index("A")
    chars = letters[body_idx]
    values = np.vectorize(lambda c: int(c, 36))(chars)
    check = org_code_check(values)
    out, seen = [], set()
    for i in range(n):
        first17 = prefixes[i] + divisions[i] + "".join(chars[i]) + check[i]
        code = first17 + check_character(first17)
        while code in seen:  # astronomically rare; bump the serial and recompute both checks
            body = [int(c, 36) for c in first17[8:16]]
            body[7] = (body[7] + 1) % 10
            org = "".join(str(v) if v < 10 else ALPHABET[v] for v in body)
            org += str(org_code_check(np.array([[int(c, 36) for c in org]]))[0])
            first17 = first17[:8] + org
            code = first17 + check_character(first17)
        seen.add(code)
        out.append(code)
    return out


def short_province(province: str) -> str:
    """浙江省 → 浙江, 上海市 → 上海, 内蒙古自治区 → 内蒙古, 广西壮族自治区 → 广西 (as in company names)."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if province.endswith(suffix):
            return province.removesuffix(suffix)
    return province


def chinese_number(k: int) -> str:
    """1–99 in Chinese numerals (第十一中学)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(k, 10)
    if not tens:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


class Namer:
    """Company names by customer type, from component draws that can be redrawn for duplicates."""

    def __init__(self, rng: np.random.Generator, types: np.ndarray, city: np.ndarray) -> None:
        self.rng, self.types, self.city = rng, types, city
        n = len(types)
        self.draw(np.arange(n))
        self.group_brand = np.full(n, -1)

    def draw(self, rows: np.ndarray) -> None:
        rng, k = self.rng, len(rows)
        for attr, size in (
            ("b1", len(N.BRAND_FIRST)),
            ("b2", len(N.BRAND_SECOND)),
            ("industry", len(N.INDUSTRIES)),
            ("suffix", 1000),
            ("soe", len(N.SOE_BUSINESSES)),
            ("bureau", len(N.GOV_BUREAUS)),
            ("district", len(N.GOV_DISTRICTS)),
            ("inst", len(N.PUBLIC_INSTITUTIONS)),
            ("ordinal", 30),
            ("variant", 10),
        ):
            if not hasattr(self, attr):
                setattr(self, attr, np.zeros(len(self.types), dtype=np.int64))
            getattr(self, attr)[rows] = rng.integers(0, size, k)

    def brand(self, i: int) -> tuple[str, str]:
        if self.group_brand[i] >= 0:
            g = int(self.group_brand[i])
            return _brand(g // len(N.BRAND_SECOND), g % len(N.BRAND_SECOND))
        return _brand(int(self.b1[i]), int(self.b2[i]))

    def name(self, i: int) -> str:
        city, province = N.CITIES[self.city[i]][0], N.CITIES[self.city[i]][1]
        t, v = self.types[i], self.variant[i]
        brand = self.brand(i)[0]
        industry = N.INDUSTRIES[self.industry[i]][0]
        if t == GOV:
            return f"{city}市{N.GOV_DISTRICTS[self.district[i]]}{N.GOV_BUREAUS[self.bureau[i]]}"
        if t == PUB:
            inst = N.PUBLIC_INSTITUTIONS[self.inst[i]].format(n=chinese_number(int(self.ordinal[i]) + 1))
            if v < 1:
                return f"{province}{inst}"
            return f"{city}市{N.GOV_DISTRICTS[self.district[i] % 6]}{inst}"  # no bonded-zone schools
        if t == SOE and self.group_brand[i] < 0:
            business = N.SOE_BUSINESSES[self.soe[i]][0]
            suffix = N.SOE_SUFFIXES[self.suffix[i] % len(N.SOE_SUFFIXES)]
            if v < 2:  # a city's own platform company
                return f"{city}市{business}{suffix}"
            return f"{short_province(province) if v < 4 else city}{brand}{business}{suffix}"
        if t == OTHER and v < 4:
            _prefix, pattern = N.OTHER_KINDS[v % 3]
            return pattern.format(
                city=city,
                brand=brand,
                produce=N.PRODUCE[self.industry[i] % len(N.PRODUCE)],
                school=N.NONPROFIT_SCHOOLS[self.industry[i] % len(N.NONPROFIT_SCHOOLS)],
                ishort=N.INDUSTRIES[self.industry[i]][1],
            )
        suffixes = N.LARGE_SUFFIXES if t in (LARGE, SOE) else N.SME_SUFFIXES
        suffix = suffixes[self.suffix[i] % len(suffixes)]
        if suffix.startswith("股份") and v < 5:
            return f"{short_province(province)}{brand}{N.INDUSTRIES[self.industry[i]][1]}{suffix}"
        return f"{city}{brand}{industry}{suffix}"

    def uscc_prefix(self, i: int) -> str:
        t = self.types[i]
        if t == GOV:
            return "11"
        if t == PUB:
            return "12"
        if t == OTHER and self.variant[i] < 4:
            return N.OTHER_KINDS[self.variant[i] % 3][0]
        return "91"

    def unique_names(self) -> list[str]:
        """Names, redrawing components (not group brands) until no two customers share one."""
        names = [self.name(i) for i in range(len(self.types))]
        for _round in range(300):
            seen: set[str] = set()
            dups = []
            for i, name in enumerate(names):
                if name in seen:
                    dups.append(i)
                seen.add(name)
            if not dups:
                return names
            rows = np.array(dups)
            self.draw(rows)
            self.city[rows] = self.rng.integers(0, len(N.CITIES), len(rows))
            for i in dups:
                names[i] = self.name(i)
        raise RuntimeError("could not make customer names unique")
