"""Component `zz_orgs`: ORG candidates from the head grammar
([place/org prefix] + name + head word, :mod:`.heads`), from patterns
(national names, the Party's and congresses' bodies, schools by number,
quoted names and accounts, lists ending in 等部门, :mod:`.patterns`), with the
tests both share (:mod:`.names`). Its data is rules/ner/orgs.toml and
orgtypes.toml."""

from __future__ import annotations

import re
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..common import Cand, JsonState, alternation, longest_first, read_toml
from ..lexicon import lexicon_of
from .heads import HeadGrammar
from .names import NameTests, by_length
from .patterns import PatternRules


class Orgs(HeadGrammar, PatternRules, NameTests, JsonState):
    def __init__(self, nlp: Language, name: str):
        self.nlp = nlp
        self.name = name
        self.data = {}

    def load_rules(self, rules_dir: Path, gaz_dir: Path) -> None:
        self.data = {"orgs": read_toml(rules_dir / "orgs.toml"), "kinds": read_toml(rules_dir / "orgtypes.toml")}
        self._setup()

    def _setup(self) -> None:
        o = self.data["orgs"]
        self.heads = {h[0]: (int(h[1]), int(h[2]), bool(h[3])) for h in o["heads"]}
        self.trade_heads = longest_first(o["trade_heads"])  # longest first: 农业科技 before 科技
        self.trade_head_set = set(self.trade_heads)
        self.trade_name_max = int(o["trade_name_max"])
        self.proper_tags = set(o["proper_tags"])
        self.lead_tags = set(o["lead_tags"])
        self.locatives = longest_first(o["locatives"])
        self.center_verbs = tuple(longest_first(o["center_verbs"]))
        self.center_not_before = tuple(longest_first(o["center_not_before"]))
        self.center_not_after = tuple(longest_first(o["center_not_after"]))
        self.class_heads = set(o["class_heads"])
        self.term_modifiers = tuple(longest_first(o["term_modifiers"]))
        self.function_bodies = longest_first(o["function_bodies"])
        self.account_words = longest_first(o["quoted_org_before"])
        self.account_re = alternation(self.account_words)
        self.account_name_max = int(o["account_name_max"])
        self.numbered_re = re.compile(o["numbered_body"])
        self.class_modifiers = tuple(longest_first(o["class_modifiers"]))
        self.not_company_list_re = re.compile(o["not_company_list"])
        for w in self.trade_heads:
            self.heads.setdefault(w, (2, self.trade_name_max + 6, False))
        self.head_re = alternation(self.heads)
        # the heads of bodies proper, without the industry words of trade names
        self.body_head_re = alternation(h for h in self.heads if h not in self.trade_heads)
        self.admin_prefixes = longest_first(o["admin_prefixes"])
        self.admin_prefix_sets = by_length(self.admin_prefixes)
        self.functions = longest_first(o["functions"])
        self.function_set = set(o["functions"])
        self.function_suffixes = tuple(self.functions)
        self.standalone_re = alternation(o["standalone"])
        self.generic = set(o["generic"])
        self.generic_list = longest_first(o["generic"] + o["admin_prefixes"])
        self.generic_sets = by_length(self.generic_list)
        # generic words that are no administrative prefix
        self.lead_generic = by_length(w for w in self.generic_list if w not in self.admin_prefixes)
        self.quoted_before = longest_first(o["quoted_org_before"])
        self.quoted_after = longest_first(o["quoted_org_after"])
        self.quoted_heads = longest_first(o["quoted_org_heads"])
        self.quoted_not_body_tails = longest_first(o["quoted_not_body_tails"])
        self.grassroots = tuple(longest_first(o["grassroots_units"]))
        self.branch_prefixes = set(o["branch_prefixes"])
        self.chain_bodies = tuple(longest_first(o["chain_bodies"]))
        self.unit_words = longest_first(o["unit_words"])
        self.ordinal_school_re = re.compile(o["ordinal_school"])
        self.zone_prefixes = longest_first(o["zone_prefixes"])
        self.rooms = longest_first(o["rooms"])
        self.party_re = re.compile(f"(?:{alternation(o['party_names']).pattern})")
        self.party_congress_re = re.compile(o["party_congress"])
        self.congress_re = re.compile(f"(?:{o['congress_term']})?(?:{alternation(o['congress_bodies']).pattern})")
        self.list_tails_re = alternation(o["list_org_tails"])
        self.list_item_prefixes = longest_first(o["list_item_prefixes"])
        kinds = self.data["kinds"]["kinds"]
        self.weak_kinds = set(self.data["kinds"].get("weak", []))
        self.kind_by_word: dict[str, str] = {}
        for k, ws in kinds.items():
            for w in ws:
                self.kind_by_word.setdefault(w, k)
        self.kind_lengths = sorted({len(w) for w in self.kind_by_word}, reverse=True)

    def __call__(self, doc: Doc) -> Doc:
        lex = lexicon_of(self.nlp)
        st = doc._.zz
        text = st["text"]
        cands: list[Cand] = st["cands"]
        self.standalone_cands(text, st, cands, lex)
        self.head_cands(text, st, cands, lex)
        self.party_place_cands(text, st, cands)
        self.congress_cands(text, st, cands)
        self.ordinal_school_cands(text, st, cands, lex)
        self.quoted_cands(text, st, cands)
        self.account_cands(text, st, cands, lex)
        self.function_body_cands(text, st, cands, lex)
        self.numbered_cands(text, st, cands)
        self.list_cands(text, st, cands, lex)
        return doc


@Language.factory("zz_orgs", default_config={})
def make_orgs(nlp: Language, name: str):
    return Orgs(nlp, name)
