"""People in running text: who is named, with which role, in reading order.

Quote attribution needs this ("Cavusoglu said" is the Mevlut Cavusoglu named
earlier as Turkish Foreign Minister; "he said" is the last person named), and so
do entities (a capitalised name with a title or a speech verb is a person).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from storywatch.parsers.patterns import word_set

# Abbreviated honorifics and ranks, which end in a full stop that is not a sentence end.
HONORIFICS = (
    r"(?:Brig|Gen|Lt|Col|Maj|Capt|Cmdr|Cdr|Adm|Sgt|Cpl|Sen|Rep|Gov|Dr|Mr|Mrs|Ms|Prof|Rev|"
    r"Amb|Supt|Insp|Det|Gen)\."
)
# A capitalised word, or initials ("U.S.", "A. Wess"); a sentence's full stop is
# never part of a name ("Department. Turkey" is two sentences).
_WORD = rf"(?:{HONORIFICS}|[A-Z]\.(?:[A-Z]\.)+|[A-Z]\.(?=\s+[A-Z])|[A-Z][\w’'-]*)"
# A run of capitalised words, allowing name particles ("Mohammed bin Salman"); it
# never starts inside a word or an abbreviation ("U.S. He said" names nobody).
NAME = (
    rf"(?<![\w.’'-]){_WORD}(?:\s+(?:(?:bin|bint|ibn|al|el|de|da|del|della|der|den|van|von|la|le|"
    rf"du|dos)\s+)?{_WORD}){{0,6}}"
)
SPEECH_VERBS = (
    "said|says|told|added|adds|explained|noted|notes|wrote|writes|argued|argues|warned|warns|"
    "stated|insisted|declared|continued|asked|replied|responded|remarked|commented|conceded|"
    "acknowledged|recalled|tweeted|cautioned|stressed|emphasized|emphasised|suggested|claimed|"
    "predicted|admitted|announced|told reporters|posted"
)
# Words that open a name run but are titles or descriptors, not part of the name.
TITLE_WORDS = word_set(
    """
    president vice prime minister foreign defense defence interior finance state secretary
    senator sen. rep. representative congressman congresswoman governor gov. mayor
    chancellor ambassador envoy spokesman spokeswoman spokesperson crown prince princess
    king queen sheikh emir sultan general gen. lt. col. colonel admiral adm. major maj.
    capt. captain commander sgt. sergeant dr. mr. mrs. ms. prof. professor pastor father
    rev. reverend councillor councilor brig. cmdr. cdr. cpl. amb. supt. insp. det. gov.
    manager coach midfielder striker defender goalkeeper winger forward captain substitute
    executive officer spokesperson head chief-executive
    councilman councilwoman alderman mp mep judge justice chief deputy assistant acting
    former interim democratic
    republican democrat republican gop labour labor conservative director chairman
    chairwoman chair ceo president-elect pope cardinal bishop imam lord lady sir dame
    minister-president undersecretary under sec. attorney u.s. us american turkish russian
    saudi israeli iranian chinese german french british greek cypriot ukrainian european
    syrian iraqi egyptian indian pakistani japanese korean nato eu un polish italian spanish
    dutch qatari emirati kurdish swedish finnish norwegian danish canadian australian
    mexican brazilian armenian azerbaijani georgian
    """
)
# Lower-case role nouns right before a name: "American pastor Andrew Brunson".
ROLE_NOUN = (
    r"(?:pastor|columnist|journalist|reporter|analyst|spokesman|spokeswoman|official|expert|"
    r"lawyer|economist|professor|researcher|activist|diplomat|envoy|minister|president|"
    r"senator|general|leader|chief|founder|chairman|director|secretary|adviser|advisor|"
    r"ambassador|commander|prosecutor|judge|author|writer|editor|businessman|businesswoman|"
    r"dissident|cleric|scholar|historian|lawmaker|legislator|congressman|congresswoman|"
    r"colonel|admiral|fellow|correspondent|negotiator|candidate|opposition leader|prince|"
    r"executive|officer|manager|coach|midfielder|striker|defender|goalkeeper|winger|captain|"
    r"spokesperson|head|chair|chairwoman|strategist|counsel|aide|attorney|governor|mayor|"
    r"deputy|substitute|forward|economist|banker|trader|investor|owner|engineer|consultant)"
    r"(?![\w-])"
)
# Lower-case words that may qualify a role noun ("chief financial officer"), but not
# the verbs and function words around it ("said manager Gareth Pryce").
_ROLE_MOD = (
    r"(?!(?:said|says|told|the|a|an|and|of|to|in|on|at|by|for|with|from|that|as|but|or|is|"
    r"was|were|has|have|had|who|which|when|while|after|before|its|his|her|their|our|also|"
    r"then|than|if|not|new|former)\b)[a-z][\w’'-]*"
)
#: A role written before a name: "chief executive", "Pentagon spokesman", "Chief financial officer".
#: Its capitalised word starts a word: without the lookbehind it could start after every
#: "." of a long "A.B.C.D..." token and read to the token's end (quadratic).
ROLE_PHRASE = rf"(?:(?<![\w’'.-])[A-Z][\w’'.-]*\s+)?(?:{_ROLE_MOD}\s+){{0,3}}{ROLE_NOUN}"
ORG_HEADS = word_set(
    """
    united fc athletic wanderers
    center centre institute council committee committees ministry department university
    party foundation agency corporation corp. company co. bank association organization
    organisation forces army navy commission office group inc. inc ltd ltd. llc plc court
    fund union alliance program programme service services authority industries studies
    school college academy assembly parliament senate congress house administration network
    news times post journal press agency media club league federation forum project
    presidency force securities capital management research advisory partners holdings
    airlines bureau directorate initiative coalition trust observatory aerostructures
    """
)
_RUN = re.compile(NAME)
_LEADING_WORDS = word_set(
    """
    the a an on in at of for with from by after before as to and but or so meanwhile however
    still also then now today yesterday when while if although though since until during
    """
)
_TITLED = re.compile(rf"(?<![\w’'-])(?P<role>{ROLE_PHRASE})\s+(?P<name>{NAME})")
# "A department spokeswoman, Rachel Dunmore, said": the role comes first, set off by commas.
_ROLE_COMMA_NAME = re.compile(
    rf"\b(?:[Aa]n?|[Tt]he|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts|[Oo]ur)\s+(?P<role>[^,;.“”\"]{{0,60}}?{ROLE_NOUN}),\s+(?P<name>{NAME}),"
)
# "The port authority of Marlow Bay announced": a place, not a speaker.
_SUBJECT = re.compile(
    rf"(?<!\bof )(?<!\bin )(?<!\bat )(?<!\bfrom )(?<!\bthe )(?<!\bfor )"
    rf"(?P<name>{NAME})\s+(?:{SPEECH_VERBS})\b"
)
_VERB_FIRST = re.compile(rf"\b(?:{SPEECH_VERBS})\s+(?P<name>{NAME})")
_APPOSITIVE = re.compile(
    rf"(?P<name>{NAME}),\s+(?P<role>(?:the|a|an)\s+[^,;“”\"]{{3,160}}?|{ROLE_NOUN}[^,;“”\"]{{0,160}}?),"
)
# "Murat Ekinci, head of air-defense programs at ..., said": any lower-case
# appositive, but only when a speech verb follows it.
_APPOSITIVE_SAID = re.compile(
    rf"(?P<name>{NAME}),\s+(?P<role>[a-z][^,;“”\"]{{2,160}}?),\s+(?:{SPEECH_VERBS})\b"
)
# "Emre Yalçın of the Bosphorus Policy Forum": a person belonging to an organisation.
_OF_ORG = re.compile(rf"(?P<name>{NAME})\s+(?:of|at|from)\s+the\s+(?P<org>{NAME})")
_POSSESSIVE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class PersonMention:
    """A person named at ``start`` (offset into the text analysed)."""

    name: str
    start: int
    role: str | None = None


@dataclass(slots=True)
class People:
    """Everyone named in a text, with the first role the text gives each."""

    mentions: list[PersonMention] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    #: Surname -> full name for person-like names the text never attributes anything to
    #: ("Kaan Aydın's strike"), so that a later "Aydın said" finds the full name.
    surnames: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, start: int, role: str | None) -> None:
        """Record a mention; the first role given for a person sticks."""
        self.mentions.append(PersonMention(name, start, role))
        if role and name not in self.roles:
            self.roles[name] = role

    @property
    def names(self) -> list[str]:
        """Distinct full names in order of first mention."""
        return list(dict.fromkeys(m.name for m in self.mentions))

    def resolve(self, fragment: str) -> str | None:
        """Full name for "Mitchell" or "Wess Mitchell" among the people already named."""
        fragment = _POSSESSIVE.sub("", fragment.strip())
        if fragment in self.names:
            return fragment
        if not fragment:
            return None
        last = fragment.split()[-1]
        for name in reversed(self.names):
            if name.split()[-1] == last or (
                len(fragment.split()) == 1 and fragment in name.split()
            ):
                return name
        return self.surnames.get(last) if " " not in fragment else None

    def last_before(self, offset: int) -> str | None:
        """The last person named before ``offset`` ("he said" refers to them)."""
        best: PersonMention | None = None
        for mention in self.mentions:
            if mention.start < offset and (best is None or mention.start >= best.start):
                best = mention
        return best.name if best else None


def split_title(run: str) -> tuple[str, str]:
    """Split "Turkish Foreign Minister Mevlut Cavusoglu" into (title, name).

    Sentence words before the run ("On Capitol Hill", "The ministry") are dropped.
    """
    words = _POSSESSIVE.sub("", run.strip()).split()
    while len(words) > 1 and words[0].lower() in _LEADING_WORDS:
        words.pop(0)
    i = 0
    while i < len(words) - 1 and words[i].lower() in TITLE_WORDS:
        i += 1
    return " ".join(words[:i]), " ".join(words[i:])


def is_org_like(name: str) -> bool:
    """True when a capitalised run names an organisation ("Center for ...")."""
    return any(word.lower().strip(",") in ORG_HEADS for word in name.split())


def looks_like_person(name: str) -> bool:
    """Two to five capitalised words, none an organisation head or a title."""
    words = name.split()
    if not 2 <= len(words) <= 5 or is_org_like(name):
        return False
    return words[0].lower() not in TITLE_WORDS and all(len(w) > 1 for w in words)


def find_people(text: str, canonical: Callable[[str], str | None]) -> People:
    """Find the people named in ``text`` in reading order.

    ``canonical`` maps a configured alias to its canonical name (or None), so
    "Erdogan" and "Recep Tayyip Erdogan" count as one person.
    """
    found: list[tuple[int, str, str | None]] = []
    for pattern in (
        _APPOSITIVE,
        _APPOSITIVE_SAID,
        _ROLE_COMMA_NAME,
        _TITLED,
        _SUBJECT,
        _VERB_FIRST,
        _OF_ORG,
    ):
        for match in pattern.finditer(text):
            run = match["name"]
            title, name = split_title(run)
            given_name_title = False
            if pattern is _TITLED and not looks_like_person(name) and not title.endswith("."):
                # After a role noun, "Emir" and "Prince" are given names: "defender Emir Taşkın".
                title, name = "", _POSSESSIVE.sub("", run.strip())
                given_name_title = len(name.split()) >= 2 and not is_org_like(name)
            name = canonical(name) or name
            if pattern is _OF_ORG and not is_org_like(match["org"]):
                continue
            if not (given_name_title or looks_like_person(name)) or is_modifier_use(
                text, match.end("name")
            ):
                continue
            role = match.groupdict().get("role")
            if pattern is _TITLED or pattern is _ROLE_COMMA_NAME:
                # The role is written before the name (and any rank): "Pentagon spokesman Cmdr."
                role = " ".join(p for p in (role, title) if p)
            else:
                role = _join_role(title, role)
            found.append((match.start("name"), name, role or None))
    # Capitalised runs equal to a configured person ("Erdogan") count as mentions
    # too, and so do runs opened by a title ("President Recep Tayyip Erdogan").
    surnames: dict[str, str] = {}
    for match in _RUN.finditer(text):
        title, name = split_title(match.group(0))
        full = canonical(name)
        if full:
            if not is_modifier_use(text, match.end()):
                found.append((match.start(), full, title or None))
        elif title and looks_like_person(name):
            found.append((match.start(), name, title))
        elif looks_like_person(name) and len(name.split()) <= 3:
            surnames.setdefault(name.split()[-1], name)
    # A surname alone ("Fenn's strike") is a mention too: "he said" after it means Fenn.
    by_surname = {name.split()[-1]: name for _, name, _ in found}
    for match in _RUN.finditer(text):
        word = _POSSESSIVE.sub("", match.group(0))
        if word in by_surname:
            found.append((match.start(), by_surname[word], None))
    people = People(surnames=surnames)
    for start, name, role in sorted(found, key=lambda item: item[0]):
        people.add(name, start, role)
    return people


#: Nouns that turn a person's name into a modifier: "the Trump administration" is a
#: government, not a mention of Donald Trump.
_INSTITUTION_NOUNS = re.compile(
    r"['’]?s?\s+(?:administration|government|cabinet|regime|era|presidency|campaign|camp|"
    r"doctrine|team|family|foundation|years|White House|Kremlin)\b"
)


def is_modifier_use(text: str, end: int) -> bool:
    """True when the name ending at ``end`` qualifies an institution ("Trump administration")."""
    return bool(_INSTITUTION_NOUNS.match(text, end))


def _join_role(title: str, role: str | None) -> str | None:
    parts = [p.strip() for p in (title, role or "") if p and p.strip()]
    return ", ".join(parts) or None
