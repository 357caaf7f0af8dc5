"""The SQLite schema: one script, run once when a database file is created, and the
migrations that bring a file of an earlier version to this one.

``PRAGMA user_version`` holds :data:`SCHEMA_VERSION`. A file of version 7 or later is brought
up to date in place by the first program that opens it for writing (:data:`MIGRATIONS`, one
transaction); readers refuse an older file with what to do. Older files are re-derived from
their stored inputs with ``storytrace rebuild`` (:mod:`storytrace.pipeline.rebuild`). docs/schema.md describes every
table; keep the two in step.
"""

from __future__ import annotations

SCHEMA_VERSION = 8
"""Versions 1 to 5 were the numbered migrations before they were squashed into version 6; 6
had no ``articles.lang``, a stored column SQLite cannot add to a table in place; 7 had neither
the web tables nor ``stories.updated``."""

WEB_TABLES = """
    CREATE TABLE IF NOT EXISTS article_urls (      -- each article's URL in its normalised form
        key TEXT PRIMARY KEY,                      -- storytrace.urls.url_key(articles.url)
        article_id INTEGER NOT NULL REFERENCES articles(id)
    ) WITHOUT ROWID;

    CREATE TABLE IF NOT EXISTS web_sources (       -- feeds, sitemaps and home pages read by `watch`
        url TEXT PRIMARY KEY,                      -- normalised URL of the document
        kind TEXT,                                 -- feed | sitemap | sitemap-index | home
        etag TEXT,                                 -- validators of the last read whose pages were
        last_modified TEXT,                        --   all stored or given up: sent as conditions
        links TEXT NOT NULL DEFAULT '[]',          -- JSON: a home page's feeds, an index's sitemaps
        checked TEXT NOT NULL,                     -- last fetched
        changed TEXT,                              -- last answered with content (not 304)
        status TEXT NOT NULL,                      -- read | not-modified | failed
        detail TEXT NOT NULL DEFAULT ''            -- why it failed
    ) WITHOUT ROWID;
"""
"""The state of pages and feeds read from the web (``storytrace ingest URL``, ``watch``)."""

STORY_UPDATED = (
    "(SELECT max(a.added) FROM story_members m JOIN articles a ON a.id = m.article_id"
    " WHERE m.story_id = stories.id)"
)
"""``stories.updated`` of the story of an UPDATE: the latest ingest time of its members."""

_STORY_UPDATED_COLUMN = f"""
        ALTER TABLE stories ADD COLUMN updated TEXT;
        UPDATE stories SET updated = {STORY_UPDATED};
        CREATE INDEX stories_by_update ON stories(updated DESC, id DESC) WHERE merged_into IS NULL;
"""  # noqa: S608 - a fixed subquery

MIGRATIONS: dict[int, str] = {
    # 7 -> 8: when each story last gained an article, for "what is new" lists.
    # The web tables too: an already stored article's URL is not in article_urls after this
    # migration, so `ingest URL` fetches it once more and then finds the duplicate by URL.
    7: "\n".join((WEB_TABLES, _STORY_UPDATED_COLUMN)),
}
"""Version -> the statements that take a file of that version to the next one."""

SCHEMA = """
    CREATE TABLE settings (                        -- settings that shape stored data, fixed per file
        key TEXT PRIMARY KEY,                      -- shingle_size | anchor_modulus | signature_version
        value TEXT NOT NULL                        -- JSON
    );

    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started TEXT NOT NULL,
        finished TEXT,
        status TEXT NOT NULL DEFAULT 'running',   -- running | done | failed (a killed run stays 'running')
        config TEXT NOT NULL,                      -- resolved configuration, JSON
        stats TEXT                                 -- summary counts, JSON
    );

    CREATE TABLE inputs (
        source TEXT PRIMARY KEY,                   -- path[:line][#record]
        fingerprint TEXT NOT NULL,                 -- hash of the decoded input
        status TEXT NOT NULL,                      -- added | duplicate | rejected
        article_id INTEGER,
        run_id INTEGER NOT NULL REFERENCES runs(id)
    );

    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        kind TEXT NOT NULL,                        -- text | html | jsonl | csv | parquet | warc
        external_id TEXT,
        url TEXT,
        outlet TEXT,                               -- normalised domain, or the given outlet name
        published TEXT,                            -- ISO 8601, or NULL
        title TEXT,
        raw TEXT NOT NULL,                         -- the input as read (HTML or text); never altered
        body TEXT NOT NULL,                        -- extracted body before cleaning; never altered
        text TEXT NOT NULL,                        -- cleaned body (re-cleaned when site patterns are learned)
        body_key TEXT NOT NULL,                    -- hash of outlet + normalised body, for re-ingest detection
        meta TEXT NOT NULL DEFAULT '{}',           -- JSON
        evidence TEXT,                             -- JSON of storytrace.evidence.Evidence
        -- the detected language (ISO 639-1), kept from the evidence so listings need not parse it
        lang TEXT GENERATED ALWAYS AS (json_extract(evidence, '$.lang')) STORED,
        shingles BLOB,                             -- sorted uint64 hashes of word shingles of text (settings.shingle_size words)
        added TEXT NOT NULL,
        run_id INTEGER NOT NULL REFERENCES runs(id)
    );
    CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
    CREATE UNIQUE INDEX articles_body_key ON articles(body_key);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_published ON articles(published);

    CREATE TABLE removed (                         -- boilerplate removed from articles.body
        article_id INTEGER NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        reason TEXT NOT NULL
    );
    CREATE INDEX removed_article ON removed(article_id);

    CREATE TABLE article_blocks (                  -- normalised block keys of each body, for site learning
        article_id INTEGER NOT NULL REFERENCES articles(id),
        key TEXT NOT NULL,
        PRIMARY KEY (key, article_id)
    ) WITHOUT ROWID;

    CREATE TABLE site_blocks (                     -- per outlet: in how many articles a block was seen
        outlet TEXT NOT NULL,
        key TEXT NOT NULL,
        articles INTEGER NOT NULL,
        example TEXT NOT NULL,
        PRIMARY KEY (outlet, key)
    ) WITHOUT ROWID;

    CREATE TABLE site_patterns (                   -- blocks judged to be an outlet's boilerplate
        outlet TEXT NOT NULL,
        key TEXT NOT NULL,
        learned TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        PRIMARY KEY (outlet, key)
    ) WITHOUT ROWID;


    CREATE TABLE reprints (                        -- a is the likely source (earlier, or fuller on the same day), b the copy
        a INTEGER NOT NULL REFERENCES articles(id),
        b INTEGER NOT NULL REFERENCES articles(id),
        kind TEXT NOT NULL,                        -- exact | near-duplicate | contained | edited
        jaccard REAL NOT NULL,
        containment_ab REAL NOT NULL,              -- share of a's shingles found in b
        containment_ba REAL NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    CREATE INDEX reprints_b ON reprints(b);

    CREATE TABLE passages (                        -- aligned passages, offsets into articles.text
        a INTEGER NOT NULL,
        b INTEGER NOT NULL,
        a_start INTEGER NOT NULL,
        a_end INTEGER NOT NULL,
        b_start INTEGER NOT NULL,
        b_end INTEGER NOT NULL,
        words INTEGER NOT NULL
    );
    CREATE INDEX passages_pair ON passages(a, b);
    CREATE INDEX passages_b ON passages(b);

    CREATE TABLE stories (
        id INTEGER PRIMARY KEY,
        title TEXT,
        created TEXT NOT NULL,
        first_seen TEXT,
        last_seen TEXT,
        articles INTEGER NOT NULL DEFAULT 0,
        merged_into INTEGER REFERENCES stories(id),  -- set when merged; the story is then empty
        updated TEXT                               -- latest articles.added of its members: when it last gained one
    );

    CREATE TABLE story_members (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id),
        story_id INTEGER NOT NULL REFERENCES stories(id),
        score REAL NOT NULL,
        reasons TEXT NOT NULL,                     -- JSON list of sentences
        joined TEXT NOT NULL
    );
    CREATE INDEX story_members_story ON story_members(story_id);

    CREATE TABLE story_events (                    -- membership history: new, join, merge, move
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        story_id INTEGER NOT NULL,
        article_id INTEGER,
        other_story_id INTEGER,
        score REAL,
        reasons TEXT
    );
    CREATE INDEX story_events_story ON story_events(story_id);

    CREATE TABLE story_keys (                      -- inverted index: evidence key -> story
        key TEXT NOT NULL,
        story_id INTEGER NOT NULL,
        PRIMARY KEY (key, story_id)
    ) WITHOUT ROWID;
    CREATE INDEX story_keys_story ON story_keys(story_id);

    CREATE TABLE rejects (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL,
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX rejects_source ON rejects(source);

    CREATE TABLE recheck_pending (                 -- stories waiting for the re-check
        story_id INTEGER PRIMARY KEY
    );

    CREATE TABLE anchors (                         -- reprint candidate index: one posting list per key
        key INTEGER PRIMARY KEY,                   -- (hash >> 32) ^ hash, low 32 bits, unsigned
        articles BLOB NOT NULL                     -- ascending article ids, little-endian uint32
    );

    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts (articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
    END;

    CREATE TABLE story_stats (                     -- per story: distinct outlets, for sorting lists
        story_id INTEGER PRIMARY KEY,
        outlets INTEGER NOT NULL,
        articles INTEGER NOT NULL
    );
    CREATE INDEX story_stats_outlets ON story_stats(outlets DESC, articles DESC, story_id);
    -- Every membership change ends in an UPDATE of stories.articles (StoryState.refresh).
    CREATE TRIGGER story_stats_refresh AFTER UPDATE OF articles ON stories BEGIN
        INSERT INTO story_stats (story_id, outlets, articles)
        VALUES (new.id, (SELECT count(DISTINCT a.outlet) FROM story_members m
                         JOIN articles a ON a.id = m.article_id WHERE m.story_id = new.id),
                new.articles)
        ON CONFLICT (story_id) DO UPDATE SET outlets = excluded.outlets, articles = excluded.articles;
    END;

    CREATE INDEX stories_by_size ON stories(articles DESC, last_seen DESC, id)
        WHERE merged_into IS NULL;
    CREATE INDEX stories_by_recency ON stories(last_seen DESC, id DESC) WHERE merged_into IS NULL;
    CREATE INDEX stories_by_update ON stories(updated DESC, id DESC) WHERE merged_into IS NULL;
    CREATE INDEX articles_outlet_published ON articles(outlet, published);
"""
SCHEMA += WEB_TABLES
