"""Safe rich text for bios and abstracts: a small Markdown subset, sanitised.

Speakers and organisers type bios and abstracts as plain text (that is what the
database stores, what the JSON API and the exports return). Only when a page
shows them do they become HTML, in two independent layers so one mistake
cannot open a hole:

1. markdown-it-py in CommonMark mode with raw HTML off, and with the block
   rules we do not offer (headings, images, code, quotes, rules) disabled, so
   "# 2019" or an indented line stays ordinary text;
2. nh3 (the ammonia sanitiser) keeps only p, br, strong, em, ul, ol, li and
   a[href] with http/https/mailto links, and marks every link
   rel="noopener noreferrer nofollow" (the text is user-supplied, so no
   search-engine credit and no window.opener).
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
# ol[start] keeps "3. …" numbered as typed; it is a number, nothing runs.
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"
# Whatever is inside these goes too, not only the tags.
DROP_WITH_CONTENT = frozenset({"script", "style"})

_DISABLED_RULES = ["heading", "lheading", "image", "code", "fence", "blockquote", "hr",
                   "html_block", "html_inline"]


def _parser() -> MarkdownIt:
    # breaks=True: a single line break stays a line break, as it did when these
    # fields were shown as plain text.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": False})
    md.disable(_DISABLED_RULES)
    return md


_MARKDOWN = _parser()


# One cleaner, built once: relative links are dropped too (only the schemes
# above), and "*": set() removes ammonia's default lang/title on every tag.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROP_WITH_CONTENT),
    attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
    url_schemes=set(ALLOWED_SCHEMES),
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


def sanitise(html: str) -> str:
    """Reduce an HTML fragment to the allowed tags, attributes and link schemes."""
    return _CLEANER.clean(html)


def render_markdown(text: str | None) -> Markup:
    """Stored plain text → safe HTML for a template (empty for no text)."""
    if not text or not text.strip():
        return Markup("")
    return Markup(sanitise(_MARKDOWN.render(text)).strip())
