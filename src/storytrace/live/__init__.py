"""Articles from the live web: ``storytrace ingest URL`` and ``storytrace watch``.

One idea per module:

- :mod:`.fetch`: the HTTP client and its rules (User-Agent, http(s) only, no private address
  reached from the internet, robots.txt, host delay, time-outs, deadline, size, redirects);
- :mod:`.robots`: robots.txt, read once per origin and pass;
- :mod:`.pacing`: the pause between two requests to a host, and the order of pages by host;
- :mod:`.body`: response bodies under a size limit that holds after unpacking;
- :mod:`.sources`: what a feed, sitemap, sitemap index or home page lists;
- :mod:`.pages`: a fetched page as the Document an HTML file would be, or a Reject; which
  pages are worth fetching;
- :mod:`.watch`: the passes of ``storytrace watch``.

Pages go through the normal ingest runner (:class:`storytrace.pipeline.ingest.Ingester`):
the same extraction, cleaning, reprints, stories, rejects and transactions as files.
See docs/live.md.
"""
