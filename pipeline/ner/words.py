"""Word edges from a real lexicon: jieba's dictionary (word, frequency, tag).

`WordSegmenter.edges(text)` cuts each line into the most probable sequence of
dictionary words (jieba's own method: a DAG of the dictionary words at every
position, the path with the highest product of word probabilities; a
character no word covers is a word of its own) and marks where words begin
and end. The place and organization rules use the edges as evidence against
a short name that starts or ends inside a word (便宜都是: no 宜都; 市中心:
no 市中), never to cut a long name (jieba knows few village names and cuts
长冈乡长冈村 into 长冈/乡长/冈村).

The dictionary comes from the jieba sdist `make model` downloads (never
installed); `pipeline.gazetteer` writes it to dictionary.tsv.
"""

from __future__ import annotations

import math

# The longest word looked for; jieba's dictionary has few longer ones.
MAX_WORD = 8


class WordSegmenter:
    def __init__(self, words: dict[str, tuple[int, str]]):
        total = sum(f for f, _ in words.values()) or 1
        log_total = math.log(total)
        self.tags = {w: t for w, (_, t) in words.items()}
        self.freqs = {w: f for w, (f, _) in words.items()}
        self.logp = {w: math.log(max(f, 1)) - log_total for w, (f, _) in words.items() if len(w) <= MAX_WORD}
        # the longest word starting with each character bounds the lookups
        longest: dict[str, int] = {}
        for w in self.logp:
            if len(w) > longest.get(w[0], 1):
                longest[w[0]] = len(w)
        self.longest = longest
        self.unknown = -log_total  # a character the dictionary does not list

    def cut(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every word of `text`, in order; lines apart."""
        out: list[tuple[int, int]] = []
        start = 0
        for line in text.split("\n"):
            out.extend((start + s, start + e) for s, e in self._cut_line(line))
            start += len(line) + 1
        return out

    def _cut_line(self, line: str) -> list[tuple[int, int]]:
        n = len(line)
        if not n:
            return []
        score = [0.0] * (n + 1)
        step = [1] * (n + 1)
        logp, unknown, longest = self.logp, self.unknown, self.longest
        for i in range(n - 1, -1, -1):
            best = logp.get(line[i], unknown) + score[i + 1]
            best_len = 1
            for j in range(i + 2, min(n, i + longest.get(line[i], 1)) + 1):
                value = logp.get(line[i:j])
                if value is not None and value + score[j] > best:
                    best, best_len = value + score[j], j - i
            score[i], step[i] = best, best_len
        words, i = [], 0
        while i < n:
            words.append((i, i + step[i]))
            i += step[i]
        return words

    def edges(self, text: str) -> bytearray:
        """edges[i] == 1 where a word begins or ends at offset i (0..len)."""
        marks = bytearray(len(text) + 1)
        for s, e in self.cut(text):
            marks[s] = 1
            marks[e] = 1
        marks[len(text)] = 1
        return marks

    def tag(self, word: str) -> str | None:
        return self.tags.get(word)

    def freq(self, word: str) -> int:
        return self.freqs.get(word, 0)
