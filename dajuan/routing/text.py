"""Chinese text features shared by the router and the similar-case index: one normalisation, character
n-grams (robust to any vocabulary, no dictionary needed) and words from rjieba (jieba's Rust port).

Pre-segmented input (words separated by spaces, as some exports are) is handled too: spaces are kept as
word boundaries for the word features and removed for the character features.
"""

import functools
import re
import unicodedata

import rjieba

_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower case, runs of digits → one `0`, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _DIGITS.sub("0", text)
    return _SPACES.sub(" ", text).strip()


def case_text(title: str, content: str) -> str:
    """The text a case is known by: its title twice (titles are short and telling), then its content —
    unless the title is only the content's beginning (as imports derive it), which adds nothing."""
    title, content = (title or "").strip(), (content or "").strip()
    if not title or content.startswith(title):
        return content
    return f"{title}\n{title}\n{content}"


def title(text: str, limit: int = 40) -> str:
    """A case text's title: its first line (case_text puts the title there), at most `limit` characters —
    for a case without a title of its own, the content's opening, as the import derives a missing title."""
    return (text or "").strip().split("\n", 1)[0][:limit]


def chars(text: str) -> str:
    """Text for character n-grams: normalised, without spaces (segmentation spaces are not characters)."""
    return normalise(text).replace(" ", "")


def words(text: str) -> list[str]:
    """Words: rjieba's segmentation of each space-separated chunk; punctuation-only tokens dropped."""
    out = []
    for chunk in normalise(text).split(" "):
        out.extend(w for w in rjieba.cut(chunk) if w.strip() and not _is_punct(w))
    return out


@functools.lru_cache(maxsize=1 << 16)  # words repeat: the suggestion path checks each once per process
def _is_punct(word: str) -> bool:
    return all(unicodedata.category(c)[0] in "PSZ" for c in word)
