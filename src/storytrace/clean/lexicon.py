"""General word lists used by the block features and the reason detectors.

Nothing here names a particular site: these are the words any outlet uses for page furniture
(sharing, subscribing, legal notices, corrections) and the stop words used to tell prose from
headline-like lines.
"""

from __future__ import annotations

import re

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself also said
    says may might must shall since than though upon whether yet still ever""".split()
)

# Second person and first person plural: the page talking to its reader.
SELF_REF = frozenset("we our ours us you your yours you're we're we've you'll we'll".split())

# Calls to action that start a block ("Click here", "Subscribe to ...", "Watch: ...").
CTA_START = frozenset(
    """click tap subscribe sign log register join follow share watch listen read download get
    sign-up signup submit support donate contact email like comment see view explore discover
    shop buy try continue learn more skip back jump go visit send""".split()
)

# Page furniture vocabulary: navigation, accounts, newsletters, ads, cookies.
FURNITURE = frozenset(
    """subscribe subscription subscribers newsletter newsletters login logout signin signup
    account password cookie cookies advertisement advertisements advertising advertise sponsored
    sponsor promoted menu navigation homepage home search share shares tweet facebook twitter
    instagram linkedin whatsapp youtube tiktok pinterest telegram reddit email e-mail rss podcast
    podcasts app apps download bookmark bookmarks comments comment trending popular related
    recommended premium upgrade unsubscribe inbox notifications""".split()
)

LEGAL = frozenset(
    """copyright rights reserved reproduction redistribution permission prohibited trademark
    trademarks terms conditions privacy disclaimer liability liable licensed affiliate
    undesirable fines imprisonment jurisdiction consent gdpr ccpa""".split()
)

CORRECTION = frozenset(
    """correction corrections accuracy accurate error errors mistake editorial standards
    ethics fact-check factual""".split()
)

# Words describing an organisation rather than an event (publisher/author blurbs).
ORG_WORDS = frozenset(
    """independent not-for-profit nonprofit non-profit cooperative headquartered founded
    founder organization organisation company mission journalism journalists newsroom
    audiences outlets publication publishes publisher bureau bureaus locations countries
    award-winning readers editorial""".split()
)

AUTHOR_WORDS = frozenset(
    """author writer reporter correspondent editor contributor columnist journalist covers
    based graduate freelance bio""".split()
)

ARROWS = frozenset("→←↑↓»«›‹|•·▸►▶◄❯❮>/\\")

# Quoted speech: first person inside quotes belongs to a source, not to the page.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]{8,}’")
NUMBER_LINE = re.compile(r"^\d{1,2}[.)]?$")
# A rank glued to a headline: "2Attack From ...", "10Ukraine Live ...", "3. Title".
GLUED_RANK = re.compile(r"^(\d{1,2})(?:[.)]\s*|\s+|(?=[A-Z\u00c0-\u024f\"'‘“]))\S")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$|[\"”’]$")
DATE_LIKE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|"
    r"\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d+\s+(?:min|mins|minutes|hours?|days?)\b",
    re.IGNORECASE,
)
URLISH = re.compile(r"https?://|www\.|\.com\b|@\w|\S+@\S+\.\w+")
BYLINE = re.compile(r"^(?:by|written by|posted by|words by)\s+[A-Z\u00c0-\u024f]", re.IGNORECASE)

# Editorial disclaimers: the page distancing itself from what it carries.
DISCLAIMER = frozenset(
    """reviewed review bias biased views opinions opinion expressed necessarily reflect endorse
    endorsement responsible responsibility informational purposes advice provided intended
    constitute affiliated affiliation syndicated""".split()
)
# "Watch: ...", "READ MORE: ...", "Related - ...": a label then a teaser.
PROMO_LABEL = re.compile(r"^[A-Za-z]+(?:\s+[A-Za-z]+)?\s*[:|→»›\-–—]\s+\S")
# Reported speech: a block attributing words to a source is news, whatever its topic words.
ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|stated|added|wrote|announced|reported|confirmed)\b",
    re.IGNORECASE,
)

# Reader comments: their heading ("12 Comments", "Leave a Reply", "3 thoughts on ...") and the
# commenter line ("Jane says:"). Everything after such a heading is usually not the article.
COMMENT_HEAD = re.compile(
    r"^(?:\d+\s+)?(?:comments?|responses?|replies|thoughts on|reader comments|discussion)\b|"
    r"^(?:leave|post|add|write|join) (?:a |the )?(?:reply|comment|response|discussion)|"
    r"^reply$|\b(?:says|wrote|replied):$",
    re.IGNORECASE,
)
# Short headings that open the trailing furniture: related links, tags, the author box.
END_HEAD = re.compile(
    r"^(?:related|recommended|more (?:from|in|on|like|stories|articles|news)|read (?:more|next)|"
    r"you (?:may|might) (?:also )?like|also (?:read|see)|tags?|topics?|categories|filed under|"
    r"share (?:this|on|the)|about (?:the )?author|popular|trending|latest|recent posts|"
    r"most (?:read|popular|viewed)|further reading|see also|keep reading|up next)\b",
    re.IGNORECASE,
)
