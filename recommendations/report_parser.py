"""Read a UN summary report of stakeholder consultations (markdown converted from PDF).

Pure parsing: text in, plain dataclasses out, nothing written. The conversion's
faults are undone here:

- a sentence cut by a page break (footnotes and/or a ``---`` rule between its two
  halves) is joined back; footnote text never enters an item, and a footnote an
  item points to is kept apart as that item's footnote;
- an item cut in two by a stray label ("... labour law frame" / "(c) works;") is one
  item; the stray label is reported as a data note and later labels keep their
  printed letters;
- markdown and HTML (``**``, ``<sup>``, escaped underscores, links) is removed.

Anything that does not have the expected shape raises ``ReportFormatError`` naming
the line and what was expected.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

CHALLENGE = "challenge"
GOOD_PRACTICE = "good_practice"
RECOMMENDATION = "recommendation"
KINDS = (CHALLENGE, GOOD_PRACTICE, RECOMMENDATION)

MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
DATE = r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})"
TERMINAL = (".", ";", ":", "!", "?")
CONCESSIVE_OPENERS = ("despite", "in spite of", "nevertheless", "nonetheless", "however")
REGIONS = [
    ("asia-pacific", ("asia-pacific", "asia and the pacific")),
    ("africa", ("africa",)),
    ("arab-states", ("arab",)),
    ("europe-north-america", ("europe", "unece")),
    ("latin-america-caribbean", ("latin america", "caribbean")),
]


class ReportFormatError(ValueError):
    """The file does not have the expected shape; ``line`` is 1-based (0: the whole file)."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}" if line else message)


@dataclass(frozen=True)
class Vocabulary:
    """Names the parser recognizes, from the database: it does not invent vocabularies."""

    stakeholder_groups: dict[str, str]  # lower-case name or synonym -> slug
    principles: dict[str, str]  # lower-case name -> slug
    countries: dict[str, str]  # lower-case country name -> ISO code
    clusters: dict[int, frozenset[int]]  # cluster number -> its objective numbers


@dataclass
class ParsedItem:
    kind: str
    reference: str
    text: str
    line: int
    footnotes: list[str] = field(default_factory=list)
    data_notes: list[str] = field(default_factory=list)
    covid_related: bool = False
    is_conclusion: bool = False
    principle: str | None = None  # conclusions: the principle the item affirms


@dataclass
class ParsedCoOrganizer:
    name: str
    countries: list[str]


@dataclass
class ParsedShare:
    percent: int
    approximate: bool
    groups: list[str]


@dataclass
class ParsedConsultation:
    sequence: int
    title: str
    line: int
    objectives: list[int]
    cluster: int
    date: datetime.date
    co_organizers: list[ParsedCoOrganizer]
    supporting: list[str]  # acronyms or names as printed
    participants: int | None
    countries_represented: int | None
    sectors: list[str]
    shares: list[ParsedShare]
    gender_balance_note: str
    paragraphs: str
    items: list[ParsedItem]


@dataclass
class ParsedReport:
    title: str
    issuing_body: str
    date: datetime.date
    meeting_title: str
    region: str | None
    venue: str
    meeting_start: datetime.date | None
    meeting_end: datetime.date | None
    acronyms: dict[str, str]
    consultations: list[ParsedConsultation]
    cross_cutting: list[ParsedItem]
    conclusions: list[ParsedItem]

    @property
    def cycle(self) -> str | None:
        """Regional reviews are held in the year before an International Migration Review
        Forum; their cycle spans that year and the one before (March 2021: 2020-21)."""
        if self.meeting_start is None:
            return None
        year = self.meeting_start.year
        return f"{year - 1}-{year % 100:02d}"

    def all_items(self) -> list[ParsedItem]:
        items = [item for consultation in self.consultations for item in consultation.items]
        return items + self.cross_cutting + self.conclusions


# --- Blocks -------------------------------------------------------------------------------


@dataclass
class Block:
    line: int
    raw: str
    kind: str  # heading, rule, footnote, numbered, lettered, bullet, text
    label: str = ""  # paragraph number, item letter or footnote number
    body: str = ""  # the raw text after the label
    footnote_refs: list[str] = field(default_factory=list)
    end_line: int = 0
    fused_labels: list[tuple[str, int]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return clean_inline(self.body)


SUP_RE = re.compile(r"<sup>\s*([\d,\s]+)\s*</sup>")


def clean_inline(value: str) -> str:
    """Markdown and HTML out, plain text in; whitespace collapsed."""
    value = SUP_RE.sub("", value)
    value = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", r"\1", value)
    value = re.sub(r"<(https?://[^>\s]+)>", r"\1", value)
    value = re.sub(r"\\+_", "_", value)
    value = re.sub(r"\\+\*", "", value)  # escaped asterisks are footnote marks (\*, \*\*)
    value = value.replace("**", "")
    value = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", value)
    value = re.sub(r"</?[a-zA-Z][^>]*>", "", value)
    return re.sub(r"\s+", " ", value).strip()


def _classify(line: int, raw: str) -> Block:
    stripped = raw.strip()
    if re.fullmatch(r"(-{3,}|\*{3,}|_{3,})", stripped):
        return Block(line, raw, "rule")
    if stripped.startswith("#"):
        return Block(line, raw, "heading", body=stripped.lstrip("#").strip())
    if re.fullmatch(r"\*\*.+\*\*", stripped, re.DOTALL) and "\n" not in stripped:
        return Block(line, raw, "heading", body=stripped)
    footnote = re.match(r"<sup>\s*(\d+)\s*</sup>\s*(.*)", stripped, re.DOTALL)
    if footnote:
        return Block(line, raw, "footnote", label=footnote[1], body=footnote[2])
    if re.match(r"\\\*", stripped):
        return Block(line, raw, "footnote", label="*", body=stripped)
    numbered = re.match(r"(\d{1,4})\.\s+(.*)", stripped, re.DOTALL)
    if numbered:
        return Block(line, raw, "numbered", label=numbered[1], body=numbered[2])
    lettered = re.match(r"\(([a-z]{1,3})\)\s+(.*)", stripped, re.DOTALL)
    if lettered:
        return Block(line, raw, "lettered", label=lettered[1], body=lettered[2])
    if re.match(r"[-*+]\s", stripped):
        return Block(line, raw, "bullet", body=stripped[2:])
    return Block(line, raw, "text", body=stripped)


def split_blocks(source: str) -> list[Block]:
    blocks: list[Block] = []
    current: list[str] = []
    start = 0
    lines = source.splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
            continue
        if current:
            blocks.append(_finish(start, current))
            current = []
    if current:
        blocks.append(_finish(start, current))
    return blocks


def _finish(start: int, lines: list[str]) -> Block:
    block = _classify(start, "\n".join(lines))
    block.end_line = start + len(lines) - 1
    block.footnote_refs = [
        number.strip()
        for match in SUP_RE.finditer(block.body)
        for number in match[1].split(",")
        if number.strip()
    ]
    return block


# --- Joining what page breaks split ------------------------------------------------------


def _ends_open(text: str) -> bool:
    """True when a paragraph stops without closing punctuation: its sentence goes on."""
    stripped = re.sub(r"[\s”’\")\]]+$", "", clean_inline(text))
    return bool(stripped) and not stripped.endswith(TERMINAL)


def _starts_lower(text: str) -> bool:
    cleaned = clean_inline(text)
    return bool(cleaned) and cleaned[0].islower()


class _Joiner:
    """Decides whether two halves of a word split by a break are one word."""

    def __init__(self, source: str) -> None:
        text = clean_inline(source).lower()
        self.words = set(re.findall(r"[a-z]+", text))
        self.text = text

    def join(self, before: str, after: str) -> str:
        before = before.rstrip()
        after = after.lstrip()
        tail = re.search(r"([A-Za-z]+)$", before)
        head = re.match(r"([a-z]+)", after)
        if before.endswith("-") and not before.endswith(" -"):
            return before + after
        if tail and head:
            fused = (tail[1] + head[1]).lower()
            spaced = f"{tail[1]} {head[1]}".lower()
            if fused in self.words and spaced not in self.text:
                return before + after
        return f"{before} {after}"


def merge_continuations(blocks: list[Block], source: str) -> tuple[list[Block], dict[str, Block]]:
    """Drop page furniture, join split paragraphs; return content blocks and footnotes."""
    joiner = _Joiner(source)
    footnotes: dict[str, Block] = {}
    content: list[Block] = []
    for block in blocks:
        if block.kind == "rule":
            continue
        if block.kind == "footnote":
            footnotes[block.label] = block
            continue
        previous = content[-1] if content else None
        if previous is not None and previous.kind in ("numbered", "lettered"):
            open_end = _ends_open(previous.body)
            if block.kind == "text" and (open_end or _starts_lower(block.body)):
                _absorb(previous, block, joiner)
                continue
            if block.kind == "lettered" and open_end and _starts_lower(block.body):
                # A stray label inside an item: "(b) ... labour law frame" / "(c) works;".
                previous.fused_labels.append((block.label, block.line))
                _absorb(previous, block, joiner)
                continue
        content.append(block)
    return content, footnotes


def _absorb(target: Block, block: Block, joiner: _Joiner) -> None:
    target.body = joiner.join(target.body, block.body)
    target.footnote_refs.extend(block.footnote_refs)
    target.end_line = block.end_line


# --- The report ---------------------------------------------------------------------------

CONSULTATION_HEADING = re.compile(
    r"^([A-Z])\.\s+(?P<title>.+?)\s*\(addressing (?:[A-Za-z ]+ )?objectives? "
    r"(?P<objectives>[\d ,and]+)\)$"
)
SECTION_HEADING = re.compile(r"^([A-Z])\.\s+(?P<title>.+)$")


def _parse_date(day: str, month: str, year: str, line: int) -> datetime.date:
    try:
        return datetime.date(int(year), MONTHS[month.lower()], int(day))
    except (KeyError, ValueError):
        raise ReportFormatError(line, f"“{day} {month} {year}” is not a date") from None


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", text)]


class ReportParser:
    def __init__(self, source: str, vocabulary: Vocabulary) -> None:
        self.source = source
        self.vocabulary = vocabulary
        self.line_count = len(source.splitlines())
        blocks = split_blocks(source)
        if not blocks:
            raise ReportFormatError(0, "the file is empty")
        self.content, self.footnotes = merge_continuations(blocks, source)
        self.acronyms = self._acronyms(blocks)

    # Header ---------------------------------------------------------------------------

    def parse(self) -> ParsedReport:
        self._check_paragraph_numbers()
        title_index = self._title_index()
        header = self.content[:title_index]
        issued = self._issue_date(header)
        issuing_body, meeting_title, venue, start, end = self._meeting(header)
        sections = self._sections(title_index)
        consultations = [
            self._consultation(sequence, heading, body)
            for sequence, (heading, body) in enumerate(sections["consultations"], start=1)
        ]
        cross_cutting = [
            item
            for heading, body in sections["cross_cutting"]
            for item in self._cross(heading, body)
        ]
        conclusions = self._conclusions(*sections["conclusions"])
        report = ParsedReport(
            title=clean_inline(self.content[title_index].body),
            issuing_body=issuing_body,
            date=issued,
            meeting_title=meeting_title,
            region=self._region(meeting_title),
            venue=venue,
            meeting_start=start,
            meeting_end=end,
            acronyms=self.acronyms,
            consultations=consultations,
            cross_cutting=cross_cutting,
            conclusions=conclusions,
        )
        self._check_unique(report.all_items())
        return report

    def _title_index(self) -> int:
        for index, block in enumerate(self.content):
            if block.kind == "heading" and clean_inline(block.body).lower() == "summary":
                for back in range(index - 1, -1, -1):
                    if self.content[back].kind == "heading":
                        return back
        first_paragraph = next((b for b in self.content if b.kind == "numbered"), None)
        raise ReportFormatError(
            first_paragraph.line if first_paragraph else self.line_count,
            "no “Summary” heading found before the first numbered paragraph: expected the "
            "report's title heading followed by a “### *Summary*” heading",
        )

    def _issue_date(self, header: list[Block]) -> datetime.date:
        for block in header:
            for offset, line in enumerate(block.raw.splitlines()):
                match = re.fullmatch(DATE, line.strip())
                if match:
                    return _parse_date(*match.groups(), block.line + offset)
        raise ReportFormatError(
            header[-1].line if header else 1,
            "no date of issue found before the title: expected a line such as “26 February 2021”",
        )

    def _meeting(
        self, header: list[Block]
    ) -> tuple[str, str, str, datetime.date | None, datetime.date | None]:
        issuing_body = ""
        meeting_title = ""
        venue = ""
        start = end = None
        for index, block in enumerate(header):
            text = clean_inline(block.body)
            if block.kind == "heading" and re.search(r"commission|council", text, re.I):
                issuing_body = text  # the last such heading is the issuing commission
                following = header[index + 1] if index + 1 < len(header) else None
                if following is not None and following.kind == "text":
                    meeting_title = clean_inline(following.body)
            match = re.fullmatch(
                r"(?P<venue>[A-Z][\w .'’-]+), (?P<d1>\d{1,2})(?:[-–](?P<d2>\d{1,2}))? "
                r"(?P<month>[A-Z][a-z]+) (?P<year>\d{4})",
                text,
            )
            if block.kind == "text" and match:
                venue = match["venue"]
                start = _parse_date(match["d1"], match["month"], match["year"], block.line)
                end = _parse_date(
                    match["d2"] or match["d1"], match["month"], match["year"], block.line
                )
        if not issuing_body:
            raise ReportFormatError(
                header[0].line,
                "no issuing body found: expected a heading naming the commission, such as "
                "“### **Economic and Social Commission for Asia and the Pacific**”",
            )
        return issuing_body, meeting_title, venue, start, end

    def _region(self, meeting_title: str) -> str | None:
        lowered = meeting_title.lower()
        for slug, cues in REGIONS:
            if any(cue in lowered for cue in cues):
                return slug
        return None

    def _acronyms(self, blocks: Iterable[Block]) -> dict[str, str]:
        """Full names the document spells out before an acronym: “... Organization (ILO)”."""
        connectors = {"for", "of", "on", "and", "the", "in", "to", "de", "du", "des"}
        found: dict[str, str] = {}
        for block in blocks:
            text = clean_inline(block.body)
            for match in re.finditer(r"\(([A-Z][A-Za-z]{1,9}(?: [A-Z][a-z]+)?)\)", text):
                words = re.split(r"\s+", text[: match.start()].rstrip())
                name: list[str] = []
                for word in reversed(words):
                    bare = word.strip('“”"')
                    if word.endswith((",", ";", ":", ".")) or not bare:
                        break
                    if bare[0].isupper() or bare in connectors:
                        name.insert(0, bare)
                    else:
                        break
                while name and name[0] in connectors:
                    name.pop(0)
                if len(name) >= 2 and match[1] not in found:
                    found[match[1]] = " ".join(name)
        return found

    # Structure --------------------------------------------------------------------------

    def _check_paragraph_numbers(self) -> None:
        expected = 1
        for block in self.content:
            if block.kind != "numbered":
                continue
            number = int(block.label)
            if number != expected:
                raise ReportFormatError(
                    block.line,
                    f"paragraph {number} where paragraph {expected} was expected "
                    "(paragraphs are numbered 1, 2, 3... without gaps or repeats)",
                )
            expected += 1

    def _sections(self, title_index: int) -> dict:
        consultations: list[tuple[Block, list[Block]]] = []
        cross_cutting: list[tuple[Block, list[Block]]] = []
        conclusions: tuple[Block, list[Block]] | None = None
        current: list[Block] | None = None
        for block in self.content[title_index + 1 :]:
            if block.kind == "heading":
                text = clean_inline(block.body)
                if CONSULTATION_HEADING.match(text):
                    current = []
                    consultations.append((block, current))
                    continue
                if re.search(r"\bconclusions?\b", text, re.I):
                    current = []
                    conclusions = (block, current)
                    continue
                if SECTION_HEADING.match(text) and consultations and conclusions is None:
                    current = []
                    cross_cutting.append((block, current))
                    continue
                current = None
                continue
            if current is not None:
                current.append(block)
        if not consultations:
            raise ReportFormatError(
                conclusions[0].line if conclusions else self.line_count,
                "no consultation heading found before this line: expected headings such as "
                "“**A. <theme> (addressing objectives 2, 5, 6, 12 and 18)**”",
            )
        if conclusions is None:
            raise ReportFormatError(
                self.line_count,
                "the file ends without the conclusions: expected a heading such as "
                "“#### **IV. Conclusions and recommendations**” after the consultations "
                "(is the file truncated?)",
            )
        return {
            "consultations": consultations,
            "cross_cutting": cross_cutting,
            "conclusions": conclusions,
        }

    def _consultation(self, sequence: int, heading: Block, body: list[Block]) -> ParsedConsultation:
        match = CONSULTATION_HEADING.match(clean_inline(heading.body))
        assert match is not None
        title = match["title"]
        objectives = _numbers(match["objectives"])
        if not objectives or any(not 1 <= n <= 23 for n in objectives):
            raise ReportFormatError(
                heading.line, f"objectives {objectives} in the heading: GCM objectives are 1 to 23"
            )
        cluster = self._cluster(objectives, heading.line)
        paragraphs = [block for block in body if block.kind == "numbered"]
        if not paragraphs:
            raise ReportFormatError(
                heading.line, f"consultation “{title}” has no numbered paragraphs under it"
            )
        held = paragraphs[0]
        date, co_organizers, supporting = self._held(held)
        participants, countries, sectors, shares, gender = self._participation(paragraphs[1:])
        items = self._items(body, heading, title)
        return ParsedConsultation(
            sequence=sequence,
            title=title,
            line=heading.line,
            objectives=objectives,
            cluster=cluster,
            date=date,
            co_organizers=co_organizers,
            supporting=supporting,
            participants=participants,
            countries_represented=countries,
            sectors=sectors,
            shares=shares,
            gender_balance_note=gender,
            paragraphs=f"{paragraphs[0].label}-{paragraphs[-1].label}",
            items=items,
        )

    def _cluster(self, objectives: list[int], line: int) -> int:
        wanted = set(objectives)
        for number, members in self.vocabulary.clusters.items():
            if wanted <= members:
                return number
        raise ReportFormatError(
            line,
            f"objectives {objectives} do not belong to one review cluster of resolution 73/326",
        )

    def _held(self, block: Block) -> tuple[datetime.date, list[ParsedCoOrganizer], list[str]]:
        text = clean_inline(block.body)
        date = re.search(r"held on " + DATE, text)
        if not date:
            raise ReportFormatError(
                block.line,
                "expected the consultation's first paragraph to say when it was held "
                "(“... was held on 28 October 2020 and was co-organized by ...”)",
            )
        held_on = _parse_date(*date.groups(), block.line)
        organizers = re.search(
            r"co-organized by (.+?)(?:,? with (?:the )?support (?:of|from) (.+?))?\.?$", text
        )
        if not organizers:
            raise ReportFormatError(
                block.line, "expected “co-organized by ...” in the consultation's first paragraph"
            )
        co_organizers = self._organizers(organizers[1])
        supporting = _split_list(organizers[2]) if organizers[2] else []
        return held_on, co_organizers, supporting

    def _organizers(self, text: str) -> list[ParsedCoOrganizer]:
        entries = [part.strip() for part in text.split(";")] if ";" in text else _split_list(text)
        result = []
        for entry in entries:
            entry = re.sub(r"^(and|the)\s+", "", entry.strip()).strip()
            entry = re.sub(r"^(the)\s+", "", entry)
            if not entry:
                continue
            name, countries = self._name_and_countries(entry)
            result.append(ParsedCoOrganizer(name=name, countries=countries))
        return result

    def _name_and_countries(self, entry: str) -> tuple[str, list[str]]:
        parts = [part.strip() for part in entry.split(",")]
        for take in (2, 1):
            if len(parts) <= take:
                continue
            tail = ", ".join(parts[-take:])
            names = [n.strip() for n in re.split(r"\s+and\s+", tail)]
            codes = [self.vocabulary.countries.get(n.lower()) for n in names]
            if all(codes):
                return ", ".join(parts[:-take]), [code for code in codes if code]
        return entry, []

    def _participation(
        self, paragraphs: list[Block]
    ) -> tuple[int | None, int | None, list[str], list[ParsedShare], str]:
        for block in paragraphs:
            text = clean_inline(block.body)
            counts = re.search(
                r"(?:about|around|some|over)?\s*(\d+) (?:stakeholders|participants) from "
                r"(?:about|around|some|over)?\s*(\d+) countries",
                text,
                re.I,
            )
            if not counts:
                continue
            sectors_clause = re.search(r"including (.+?)\.", text)
            sectors = self._groups(sectors_clause[1]) if sectors_clause else []
            shares = self._shares(text)
            # A sentence ends at a full stop, or where the report forgot one before "There was".
            sentences = re.split(r"(?<=\.)\s+|\s+(?=There (?:was|were)\b)", text)
            gender = next((s.strip() for s in sentences if "gender" in s.lower()), "")
            return int(counts[1]), int(counts[2]), sectors, shares, gender
        return None, None, [], [], ""

    def _groups(self, clause: str) -> list[str]:
        found: list[tuple[int, str]] = []
        remaining = clause.lower()
        for name in sorted(self.vocabulary.stakeholder_groups, key=len, reverse=True):
            match = re.search(rf"\b{re.escape(name)}\b", remaining)
            if match:
                slug = self.vocabulary.stakeholder_groups[name]
                if slug not in {s for _, s in found}:
                    found.append((match.start(), slug))
                remaining = remaining[: match.start()] + " " * len(name) + remaining[match.end() :]
        return [slug for _, slug in sorted(found)]

    def _shares(self, text: str) -> list[ParsedShare]:
        shares = []
        pattern = re.compile(
            r"(?P<about>about |around |some )?(?P<percent>\d+) per cent(?P<each> each)?"
            r"(?: of (?:all )?participants)? (?:represented|came from|were from|were) "
            r"(?P<clause>.+?)(?=(?:,? and )?(?:about |around |some )?\d+ per cent|\.|$)",
            re.I,
        )
        for match in pattern.finditer(text):
            groups = self._groups(match["clause"])
            if not groups:
                continue
            percent = int(match["percent"])
            approximate = bool(match["about"])
            if match["each"]:
                shares.extend(ParsedShare(percent, approximate, [group]) for group in groups)
            else:
                shares.append(ParsedShare(percent, approximate, groups))
        return shares

    def _items(self, body: list[Block], heading: Block, title: str) -> list[ParsedItem]:
        items: list[ParsedItem] = []
        seen_kinds: list[str] = []
        kind: str | None = None
        parent: Block | None = None
        letters: list[str] = []
        for block in body:
            if block.kind == "numbered":
                text = clean_inline(block.body)
                kind = _introduced_kind(text) if text.endswith(":") else None
                if kind is not None:
                    if kind in seen_kinds:
                        raise ReportFormatError(
                            block.line,
                            f"a second list of {_plural(kind)} in consultation “{title}”",
                        )
                    seen_kinds.append(kind)
                parent = block
                letters = []
                continue
            if block.kind != "lettered":
                continue
            if kind is None or parent is None:
                raise ReportFormatError(
                    block.line,
                    f"item ({block.label}) does not follow a paragraph introducing challenges, "
                    "good practices or recommendations (one that ends with “:”)",
                )
            self._check_letter(block, letters)
            items.append(self._item(kind, parent, block))
        for kind in KINDS:
            if kind not in seen_kinds:
                raise ReportFormatError(
                    heading.line,
                    f"consultation “{title}” has no {_plural(kind)}: expected a paragraph "
                    f"introducing them ({_intro_example(kind)}) followed by items (a), (b)...",
                )
        for kind in seen_kinds:
            if not any(item.kind == kind for item in items):
                raise ReportFormatError(
                    heading.line,
                    f"the list of {_plural(kind)} of consultation “{title}” has no items",
                )
        return items

    def _check_letter(self, block: Block, letters: list[str]) -> None:
        expected = chr(ord(letters[-1]) + 1) if letters else "a"
        if block.label in letters:
            raise ReportFormatError(block.line, f"item ({block.label}) appears twice in one list")
        if len(block.label) == 1 and block.label != expected:
            raise ReportFormatError(
                block.line, f"item ({block.label}) where item ({expected}) was expected"
            )
        letters.append(block.label)
        letters.extend(label for label, _line in block.fused_labels)

    def _item(self, kind: str, parent: Block, block: Block, **extra: object) -> ParsedItem:
        reference = f"{parent.label}({block.label})" if block.kind == "lettered" else block.label
        # The ";" (or "; and") closing a list item belongs to the list, not to the item.
        text = re.sub(r";\s*(and)?$", "", clean_inline(block.body)).rstrip()
        notes = [
            f"The printed document has a stray “({label})” at line {line} inside this item; "
            "its text continues the item and is joined back. The items after it keep their "
            "printed letters."
            for label, line in block.fused_labels
        ]
        footnotes = [
            f"{number}. {clean_inline(self.footnotes[number].body)}"
            for number in block.footnote_refs
            if number in self.footnotes
        ]
        return ParsedItem(
            kind=kind,
            reference=reference,
            text=text,
            line=block.line,
            footnotes=footnotes,
            data_notes=notes,
            covid_related=bool(re.search(r"covid|pandemic|coronavirus", text, re.I)),
            **extra,  # type: ignore[arg-type]
        )

    def _cross(self, heading: Block, body: list[Block]) -> list[ParsedItem]:
        """A section of numbered paragraphs outside the consultations (COVID-19).

        The document does not label its paragraphs, so their kind is read from the
        section's order, which this kind of report keeps: an introduction, an
        “Overall, ...” summary, the challenges, then the good practices, which open
        with a concessive (“Despite these challenges, ...”).
        """
        title = clean_inline(heading.body)
        covid = bool(re.search(r"covid|coronavirus|pandemic", title, re.I))
        paragraphs = [block for block in body if block.kind == "numbered"]
        items: list[ParsedItem] = []
        kind = CHALLENGE
        for position, block in enumerate(paragraphs):
            text = clean_inline(block.body)
            lowered = text.lower()
            if position == 0 or lowered.startswith("overall"):
                continue
            if lowered.startswith(CONCESSIVE_OPENERS):
                kind = GOOD_PRACTICE
            item = self._item(kind, block, block)
            item.covid_related = item.covid_related or covid
            items.append(item)
        if not items:
            raise ReportFormatError(
                heading.line, f"section “{title}” has no paragraphs after its introduction"
            )
        return items

    def _conclusions(self, heading: Block, body: list[Block]) -> list[ParsedItem]:
        items: list[ParsedItem] = []
        parent: Block | None = None
        letters: list[str] = []
        for block in body:
            if block.kind == "numbered":
                text = clean_inline(block.body)
                parent = block if text.endswith(":") else None
                letters = []
                continue
            if block.kind == "lettered" and parent is not None:
                self._check_letter(block, letters)
                label = clean_inline(block.body).split(":", 1)[0]
                items.append(
                    self._item(
                        RECOMMENDATION,
                        parent,
                        block,
                        is_conclusion=True,
                        principle=self._principle(label),
                    )
                )
        if items and _ends_open(body[-1].body) and body[-1].end_line >= self._last_text_line():
            raise ReportFormatError(
                body[-1].line, "the file ends in the middle of a paragraph (is it truncated?)"
            )
        return items

    def _last_text_line(self) -> int:
        return max(block.end_line for block in self.content)

    def _principle(self, label: str) -> str | None:
        label = label.lower().strip()
        best: tuple[float, str | None] = (0.0, None)
        for name, slug in self.vocabulary.principles.items():
            common = 0
            for a, b in zip(label, name, strict=False):
                if a != b:
                    break
                common += 1
            score = common / len(name)
            if score > best[0]:
                best = (score, slug)
        return best[1] if best[0] >= 0.85 else None

    def _check_unique(self, items: list[ParsedItem]) -> None:
        seen: dict[tuple[str, str], int] = {}
        for item in items:
            key = (item.kind, item.reference)
            if key in seen:
                raise ReportFormatError(
                    item.line,
                    f"{item.kind.replace('_', ' ')} {item.reference} appears twice "
                    f"(first at line {seen[key]})",
                )
            seen[key] = item.line


def _split_list(text: str) -> list[str]:
    """“A, B, C and D” -> [A, B, C, D]; with an Oxford comma the last entry is kept whole."""
    text = text.strip().rstrip(".")
    if ", and " in text:
        head, last = text.rsplit(", and ", 1)
        return [part.strip() for part in head.split(",")] + [last.strip()]
    parts = [part.strip() for part in text.split(",")]
    if " and " in parts[-1]:
        parts[-1:] = [p.strip() for p in parts[-1].rsplit(" and ", 1)]
    return [part for part in parts if part]


def _introduced_kind(text: str) -> str | None:
    lowered = text.lower()
    if "good practice" in lowered:
        return GOOD_PRACTICE
    if "challenge" in lowered:
        return CHALLENGE
    if "recommend" in lowered:
        return RECOMMENDATION
    return None


def _plural(kind: str) -> str:
    return {
        CHALLENGE: "challenges",
        GOOD_PRACTICE: "good practices",
        RECOMMENDATION: "recommendations",
    }[kind]


def _intro_example(kind: str) -> str:
    return {
        CHALLENGE: "“Participants identified ... the following challenges ...:”",
        GOOD_PRACTICE: "“... the following good practices ...:”",
        RECOMMENDATION: "“Participants ... recommended the following actions:”",
    }[kind]


def parse_report(source: str, vocabulary: Vocabulary) -> ParsedReport:
    """Parse ``source``; raises ReportFormatError naming the line when the shape is wrong."""
    return ReportParser(source, vocabulary).parse()
