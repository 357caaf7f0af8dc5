"""Tiny evaluation files written in tmp_path, one per eval command."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

QUAKE = (
    "Earthquake kills 12 in Malatya\nA magnitude 6.1 earthquake struck Malatya in eastern "
    'Turkey on Monday, killing 12 people, Governor Aydin Barus said. "We are searching the '
    'rubble," Barus said.'
)
QUAKE2 = (
    "Malatya quake death toll rises to 12\nTwelve people died when a 6.1 magnitude quake hit "
    'Malatya, Turkey, on Monday, said governor Aydin Barus. "We are searching the rubble," '
    "he told reporters."
)
VOTE = (
    "Parliament passes budget\nThe Portuguese parliament approved the 2024 budget on Friday "
    "by 120 votes to 100, finance minister Fernando Medina said."
)
VOTE2 = (
    "Portugal approves budget\nLawmakers in Lisbon passed the budget for 2024 on Friday, 120 "
    "votes to 100, Fernando Medina, the finance minister, said."
)
FLOOD = (
    "Floods hit Sulawesi\nFlash floods in South Sulawesi killed 40 people in Palu on Tuesday, "
    "spokesman Raditya Jati said."
)
TEXTS = [QUAKE, QUAKE2, VOTE, VOTE2, FLOOD]


@pytest.fixture
def pairs_csv(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.csv"
    rows = [
        ("1_2", "en", "en", QUAKE, QUAKE2, 1.0),
        ("3_4", "en", "en", VOTE, VOTE2, 1.2),
        ("1_3", "en", "en", QUAKE, VOTE, 4.0),
        ("2_5", "en", "en", QUAKE2, FLOOD, 3.5),
        ("4_5", "de", "en", VOTE2, FLOOD, 4.0),
        ("1_5", "de", "en", QUAKE, FLOOD, 3.0),
        ("2_4", "en", "en", QUAKE2, VOTE2, 3.8),
        ("3_5", "en", "en", VOTE, FLOOD, 4.0),
    ]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["pair_id", "lang1", "lang2", "text1", "text2", "Tone", "Overall"])
        for r in rows:
            w.writerow([*r[:5], 2.0, r[5]])
    return path


@pytest.fixture
def clusters_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "clusters.jsonl"
    gold = ["quake", "quake", "vote", "vote", "flood"]
    with path.open("w", encoding="utf-8") as fh:
        for i, (text, label) in enumerate(zip(TEXTS, gold, strict=True)):
            fh.write(
                json.dumps(
                    {
                        "id": f"{label}_{i}",
                        "url": f"http://x/{label}",
                        "text": text,
                        "cluster": label,
                    }
                )
                + "\n"
            )
    return path


PAGE = (
    "Home | News | Sport\n{body}\nSubscribe to our newsletter for the latest news!\n"
    "Copyright 2024 Example Media. All rights reserved."
)


@pytest.fixture
def clean_jsonl(tmp_path: Path) -> Path:
    path = tmp_path / "clean.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for text in TEXTS[:3]:
            title, _, body = text.partition("\n")
            fh.write(
                json.dumps(
                    {
                        "title": title,
                        "gold": body,
                        "page_text": PAGE.format(body=body),
                        "recall_text": body,
                        "with": [body[:30]],
                        "without": ["Home | News | Sport"],
                    }
                )
                + "\n"
            )
        fh.write(json.dumps({"gold": "", "page_text": "x", "recall_text": None}) + "\n")
    return path


HTML = (
    "<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a> "
    "<a href='/news'>News</a></nav><article><h1>{title}</h1>{paras}</article>"
    "<footer>Copyright 2024 Example Media</footer></body></html>"
)


@pytest.fixture
def extract_dir(tmp_path: Path) -> Path:
    d = tmp_path / "bench"
    (d / "html").mkdir(parents=True)
    truth = {}
    for i, text in enumerate(TEXTS[:3]):
        title, _, body = text.partition("\n")
        body = " ".join([body] * 4)  # long enough for trafilatura to keep it
        paras = "".join(f"<p>{s}.</p>" for s in body.split(". ") if s)
        with gzip.open(d / "html" / f"p{i}.html.gz", "wt", encoding="utf-8") as fh:
            fh.write(HTML.format(title=title, paras=paras))
        truth[f"p{i}"] = {"articleBody": body, "url": f"http://example.com/{i}"}
    (d / "ground-truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return d
