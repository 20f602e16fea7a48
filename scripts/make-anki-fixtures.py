#!/usr/bin/env python3
"""Generate Anki import fixtures with the real tools (genanki and Anki's own `anki` package).

    python3 -m venv /tmp/ankivenv && /tmp/ankivenv/bin/pip install genanki anki zstandard
    /tmp/ankivenv/bin/python scripts/make-anki-fixtures.py

Writes into Tests/PrepdeckStoreTests/Fixtures/anki/:
    genanki-deck.apkg       genanki: collection.anki2, schema 11, legacy JSON media map
    anki-legacy.apkg        anki, legacy=True:  collection.anki21 (plain SQLite, schema 11)
    anki-modern.apkg        anki, legacy=False: collection.anki21b (zstd, schema 18) + dummy collection.anki2
    anki-collection.colpkg  anki, legacy=True:  whole collection, plain SQLite
    manifest.json           what each file contains, read back from the files themselves

Then re-imports every .apkg into a fresh collection with the `anki` package and checks the counts
(and opens the .colpkg with import_collection_package). The Swift tests need no Python.

Determinism: genanki output is fixed (guids, ids, timestamp, zip entry dates). For the anki-made
files, guids, note/card ids and review times/durations are fixed; deck and notetype ids, the creation time,
mtimes, due dates and zip entry dates come from the clock, so rerunning changes those bytes.
"""
import json
import os
import sqlite3
import struct
import sys
import tempfile
import time
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

import genanki
import zstandard

from anki.collection import (
    Collection,
    DeckIdLimit,
    ExportAnkiPackageOptions,
    ImportAnkiPackageOptions,
    ImportAnkiPackageRequest,
)
from anki import import_export_pb2, notetypes_pb2, scheduler_pb2

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "Tests" / "PrepdeckStoreTests" / "Fixtures" / "anki"

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
GENANKI_TIMESTAMP = 1_700_000_000.0          # 2023-11-14T22:13:20Z
REVIEW_BASE_MS = 1_700_100_000_000           # first review, then +1 min / +1 day steps
FIXED_NOTE_IDS = [1_700_000_000_101, 1_700_000_000_102, 1_700_000_000_103, 1_700_000_000_104]
FIXED_CARD_ID_BASE = 1_700_000_000_201


def zstd_decode(data):
    """Anki writes streamed zstd frames without a content size in the header, so one-shot
    decompress() refuses them; stream instead."""
    return zstandard.ZstdDecompressor().decompressobj().decompress(data)


def tiny_png(rgb):
    """A valid 1x1 PNG, built byte-for-byte so the fixture is deterministic."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    raw = b"\x00" + bytes(rgb)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


@contextmanager
def fixed_zip_dates(epoch):
    """genanki's zipfile stamps entries with the clock / temp-file mtime; pin them."""
    real = time.localtime
    fixed = time.gmtime(epoch)
    time.localtime = lambda *a: fixed
    try:
        yield
    finally:
        time.localtime = real


# ---------------------------------------------------------------------------------------------
# genanki
# ---------------------------------------------------------------------------------------------

GENANKI_BASIC_NOTES = [
    dict(guid="pd-gk-basic-0001",
         fields=["What is <b>cache-aside</b>?",
                 "The app reads the cache first;<br>on a miss it loads from the DB &amp; writes the cache."],
         tags=["caching", "redis"]),
    dict(guid="pd-gk-basic-0002",
         fields=["Name two Redis eviction policies",
                 "<ul><li><code>allkeys-lru</code></li><li><code>volatile-ttl</code></li></ul>"],
         tags=["caching", "redis"]),
    dict(guid="pd-gk-basic-0003",
         fields=["Where does a write-through cache sit?",
                 'Between the app and the database:<br><img src="diagram.png">'],
         tags=["databases"]),
]
GENANKI_CLOZE_NOTE = dict(
    guid="pd-gk-cloze-0001",
    fields=["A cache {{c1::hit}} is served from memory; a {{c2::miss::what is the opposite?}} goes to the <b>database</b>.",
            "See also: <code>SETEX key ttl value</code>"],
    tags=["caching"])


def make_genanki(path, media_dir):
    basic = genanki.Model(
        1607392319, "Prepdeck Basic",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}])
    cloze = genanki.Model(
        1607392320, "Prepdeck Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}],
        templates=[{"name": "Cloze", "qfmt": "{{cloze:Text}}",
                    "afmt": "{{cloze:Text}}<br>{{Back Extra}}"}],
        model_type=genanki.Model.CLOZE)
    deck = genanki.Deck(2059400110, "Backend::Caching")
    for n in GENANKI_BASIC_NOTES:
        deck.add_note(genanki.Note(model=basic, fields=n["fields"], tags=n["tags"], guid=n["guid"]))
    deck.add_note(genanki.Note(model=cloze, fields=GENANKI_CLOZE_NOTE["fields"],
                               tags=GENANKI_CLOZE_NOTE["tags"], guid=GENANKI_CLOZE_NOTE["guid"]))
    img = Path(media_dir) / "diagram.png"
    img.write_bytes(tiny_png((0x33, 0x66, 0x99)))
    with fixed_zip_dates(GENANKI_TIMESTAMP):
        genanki.Package(deck, media_files=[str(img)]).write_to_file(str(path), timestamp=GENANKI_TIMESTAMP)


# ---------------------------------------------------------------------------------------------
# anki (the real desktop backend)
# ---------------------------------------------------------------------------------------------

ANKI_BASIC_NOTES = [
    dict(guid="pd-anki-basic-01",
         fields=["What does <b>CAP</b> stand for?", "Consistency, Availability, Partition tolerance"],
         tags=["distributed-systems", "theory"]),
    dict(guid="pd-anki-basic-02",
         fields=["Big-O of a hash map lookup?", "<code>O(1)</code> average,<br><code>O(n)</code> worst case"],
         tags=["algorithms"]),
    dict(guid="pd-anki-basic-03",
         fields=["Sketch an LRU cache", 'HashMap + doubly linked list &amp; a capacity.<br><img src="lru-cache.png">'],
         tags=["algorithms", "caching"]),
]
ANKI_CLOZE_NOTE = dict(
    guid="pd-anki-cloze-01",
    fields=["TCP uses a {{c1::three-way}} handshake: {{c2::SYN, SYN-ACK, ACK::the three packets}}.",
            "UDP has <i>no</i> handshake."],
    tags=["networking"])

# (card index in creation order, ease 1-4, minutes after previous review, ms taken)
REVIEWS = [
    (0, 1, 0, 8200),     # CAP: Again
    (0, 3, 1, 5100),     #      Good (learning step)
    (0, 3, 10, 3900),    #      Good -> graduates
    (1, 4, 2, 2500),     # hash map: Easy -> review
    (2, 2, 3, 12000),    # LRU: Hard
    (2, 3, 6, 9000),     #      Good
    (3, 3, 1, 4400),     # cloze c1: Good
    (4, 1, 1, 15000),    # cloze c2: Again
    (1, 3, 60 * 24 * 4, 3000),  # hash map again four days later: Good (review)
]


def build_anki_collection(tmp):
    colpath = os.path.join(tmp, "collection.anki2")
    col = Collection(colpath)
    did = col.decks.id("Interview Prep")
    col.media.write_data("lru-cache.png", tiny_png((0xCC, 0x33, 0x00)))

    basic = col.models.by_name("Basic")
    cloze = col.models.by_name("Cloze")
    specs = [(basic, n) for n in ANKI_BASIC_NOTES] + [(cloze, ANKI_CLOZE_NOTE)]
    for model, spec in specs:
        note = col.new_note(model)
        note.guid = spec["guid"]
        for i, value in enumerate(spec["fields"]):
            note.fields[i] = value
        note.tags = list(spec["tags"])
        col.add_note(note, did)

    # Pin note and card ids (Anki derives them from the clock). Plain SQL through the
    # collection's own connection, before any review references them.
    old_nids = col.db.list("select id from notes order by id")
    for old, new in zip(old_nids, FIXED_NOTE_IDS):
        col.db.execute("update notes set id=? where id=?", new, old)
        col.db.execute("update cards set nid=? where nid=?", new, old)
    old_cids = col.db.list("select c.id from cards c join notes n on n.id=c.nid order by n.id, c.ord")
    for i, old in enumerate(old_cids):
        col.db.execute("update cards set id=? where id=?", FIXED_CARD_ID_BASE + i, old)
    cids = [FIXED_CARD_ID_BASE + i for i in range(len(old_cids))]

    # The first answer goes through the legacy queue API (getCard/answerCard) to prove it works;
    # the rest use the v3 API with fixed answer times so revlog ids and times are deterministic.
    col.decks.select(did)  # the queue only serves the current deck (a new collection's is Default)
    first = col.sched.getCard()
    assert first is not None
    rating = {1: scheduler_pb2.CardAnswer.AGAIN, 2: scheduler_pb2.CardAnswer.HARD,
              3: scheduler_pb2.CardAnswer.GOOD, 4: scheduler_pb2.CardAnswer.EASY}
    at = REVIEW_BASE_MS
    for n, (idx, ease, minutes, taken) in enumerate(REVIEWS):
        at += minutes * 60_000
        card = col.get_card(cids[idx])
        card.start_timer()  # build_answer reads card.time_taken()
        if n == 0 and first.id == card.id:
            # legacy API: timestamps come from the clock, so pin them afterwards
            col.sched.answerCard(first, ease)
            col.db.execute("update revlog set id=?, time=? where cid=?", at, taken, card.id)
            continue
        states = col._backend.get_scheduling_states(card.id)
        answer = col.sched.build_answer(card=card, states=states, rating=rating[ease])
        answer.answered_at_millis = at
        answer.milliseconds_taken = taken
        col.sched.answer_card(answer)
    return col, did


def make_anki_files(legacy_apkg, modern_apkg, colpkg):
    with tempfile.TemporaryDirectory() as tmp:
        col, did = build_anki_collection(tmp)
        col.export_anki_package(
            out_path=str(legacy_apkg),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                             with_media=True, legacy=True),
            limit=DeckIdLimit(deck_id=did))
        col.export_anki_package(
            out_path=str(modern_apkg),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True,
                                             with_media=True, legacy=False),
            limit=DeckIdLimit(deck_id=did))
        # closes the collection
        col.export_collection_package(str(colpkg), include_media=True, legacy=True)
    for p in (legacy_apkg, modern_apkg, colpkg):
        os.chmod(p, 0o644)  # Anki creates its exports 0600


# ---------------------------------------------------------------------------------------------
# manifest: read every fixture back from its bytes
# ---------------------------------------------------------------------------------------------

def unicase(a, b):
    a, b = a.casefold(), b.casefold()
    return (a > b) - (a < b)


def open_sqlite(data, tmp, name):
    p = os.path.join(tmp, name)
    with open(p, "wb") as f:
        f.write(data)
    db = sqlite3.connect(p)
    db.create_collation("unicase", unicase)  # schema 18 indexes decks/notetypes by it
    return db


def notetype_info_18(db):
    out = {}
    for ntid, name, config in db.execute("select id, name, config from notetypes"):
        cfg = notetypes_pb2.Notetype.Config.FromString(config)
        fields = [r[0] for r in db.execute("select name from fields where ntid=? order by ord", (ntid,))]
        templates = [r[0] for r in db.execute("select name from templates where ntid=? order by ord", (ntid,))]
        out[ntid] = dict(name=name, cloze=cfg.kind == notetypes_pb2.Notetype.Config.KIND_CLOZE,
                         fields=fields, templates=templates)
    return out


def read_collection(db):
    tables = [r[0] for r in db.execute("select name from sqlite_master where type='table' order by name")]
    ver, = db.execute("select ver from col").fetchone()
    info = dict(schema_version=ver, tables=tables)
    if "notetypes" in tables:  # schema 18
        decks = {did: name for did, name in db.execute("select id, name from decks")}
        models = notetype_info_18(db)
        info["decks_from"] = "decks table (name column; nested names use \\x1f between components)"
        info["notetypes_from"] = ("notetypes table (name; config blob = protobuf anki.notetypes.Notetype.Config, "
                                  "field 1 'kind': 0 normal, 1 cloze) + fields/templates tables (ntid, ord, name)")
        info["deck_names_raw"] = sorted(decks.values())
        decks = {k: v.replace("\x1f", "::") for k, v in decks.items()}
    else:  # schema 11
        djson, mjson = db.execute("select decks, models from col").fetchone()
        decks = {int(k): v["name"] for k, v in json.loads(djson).items()}
        models = {int(k): dict(name=v["name"], cloze=v.get("type") == 1,
                               fields=[f["name"] for f in v["flds"]],
                               templates=[t["name"] for t in v["tmpls"]])
                  for k, v in json.loads(mjson).items()}
        info["decks_from"] = "col.decks JSON (object keyed by deck id string; 'name' uses '::')"
        info["notetypes_from"] = "col.models JSON (object keyed by notetype id string; 'type': 0 normal, 1 cloze; 'flds', 'tmpls')"
    info["decks"] = [dict(id=k, name=v) for k, v in sorted(decks.items())]
    info["notetypes"] = [dict(id=k, **v) for k, v in sorted(models.items())]

    cards_by_nid = {}
    cards = []
    guid_of = {nid: guid for nid, guid in db.execute("select id, guid from notes")}
    for cid, nid, did, ord_, ctype, queue, ivl, reps, lapses in db.execute(
            "select id, nid, did, ord, type, queue, ivl, reps, lapses from cards order by id"):
        cards.append(dict(id=cid, note_guid=guid_of[nid], ord=ord_, deck=decks.get(did),
                          type=ctype, queue=queue, ivl=ivl, reps=reps, lapses=lapses))
        cards_by_nid.setdefault(nid, set()).add(decks.get(did))
    notes = []
    for nid, guid, mid, tags, flds in db.execute("select id, guid, mid, tags, flds from notes order by id"):
        m = models.get(mid, {})
        notes.append(dict(id=nid, guid=guid, notetype=m.get("name"), cloze=m.get("cloze"),
                          fields=flds.split("\x1f"), tags=tags.split(), tags_raw=tags,
                          decks=sorted(d for d in cards_by_nid.get(nid, ()) if d)))
    revlog = [dict(id=i, cid=c, ease=e, ivl=iv, lastIvl=li, type=t, time=tm)
              for i, c, e, iv, li, t, tm in db.execute(
                  "select id, cid, ease, ivl, lastIvl, type, time from revlog order by id")]
    info.update(notes=notes, cards=cards, revlog=revlog,
                counts=dict(notes=len(notes), cards=len(cards), revlog=len(revlog)))
    return info


def describe_media(z, names):
    if "media" not in names:
        return None
    raw = z.read("media")
    if raw.startswith(ZSTD_MAGIC):
        entries = import_export_pb2.MediaEntries.FromString(zstd_decode(raw))
        mapping = {str(i): e.name for i, e in enumerate(entries.entries)}
        fmt = "zstd-compressed protobuf anki.import_export.MediaEntries (zip entry name = index)"
        detail = [dict(zip_entry=str(i), name=e.name, size=e.size, sha1=e.sha1.hex()) for i, e in enumerate(entries.entries)]
    else:
        mapping = json.loads(raw.decode())
        fmt = "JSON object {zip entry name: media file name}"
        detail = [dict(zip_entry=k, name=v) for k, v in mapping.items()]
    files = []
    for d in detail:
        data = z.read(d["zip_entry"])
        zst = data.startswith(ZSTD_MAGIC)
        if zst:
            data = zstd_decode(data)
        d.update(zstd=zst, decoded_size=len(data), decoded_is_png=data.startswith(b"\x89PNG"))
        files.append(d)
    return dict(format=fmt, files=files)


def describe(path, made_by, tmp):
    z = zipfile.ZipFile(path)
    names = z.namelist()
    entries = []
    for zi in z.infolist():
        head = z.read(zi.filename)[:16]
        entries.append(dict(name=zi.filename, size=zi.file_size, compressed_size=zi.compress_size,
                            zip_method="deflate" if zi.compress_type == zipfile.ZIP_DEFLATED else
                            ("stored" if zi.compress_type == zipfile.ZIP_STORED else zi.compress_type),
                            content=("zstd" if head.startswith(ZSTD_MAGIC) else
                                     "sqlite" if head.startswith(b"SQLite format 3\x00") else
                                     "png" if head.startswith(b"\x89PNG") else "other")))
    out = dict(file=path.name, made_by=made_by, size=path.stat().st_size, zip_entries=entries)
    if "meta" in names:
        meta = import_export_pb2.PackageMetadata.FromString(z.read("meta"))
        out["meta"] = dict(format="protobuf anki.import_export.PackageMetadata (not zstd)",
                           version=import_export_pb2.PackageMetadata.Version.Name(meta.version),
                           version_number=meta.version)
    for candidate in ("collection.anki21b", "collection.anki21", "collection.anki2"):
        if candidate in names:
            chosen = candidate
            break
    out["collection_entry"] = chosen
    data = z.read(chosen)
    out["collection_zstd"] = data.startswith(ZSTD_MAGIC)
    if out["collection_zstd"]:
        data = zstd_decode(data)
    out["collection_decoded_size"] = len(data)
    # SQLite header bytes 18/19: 1 = rollback journal, 2 = WAL. A WAL-mode file needs a writable
    # directory for -wal/-shm when opened (or open it with ?immutable=1).
    out["collection_sqlite_journal"] = {1: "rollback", 2: "wal"}.get(data[18], data[18])
    out["collection_needs_unicase_collation"] = False
    db = open_sqlite(data, tmp, path.name + ".sqlite")
    out.update(read_collection(db))
    out["collection_needs_unicase_collation"] = bool(db.execute(
        "select count() from sqlite_master where sql like '%collate unicase%'").fetchone()[0])
    db.close()
    others = [n for n in ("collection.anki21b", "collection.anki21", "collection.anki2") if n in names and n != chosen]
    for other in others:
        odata = z.read(other)
        if odata.startswith(ZSTD_MAGIC):
            odata = zstd_decode(odata)
        odb = open_sqlite(odata, tmp, path.name + "." + other)
        oinfo = read_collection(odb)
        odb.close()
        out.setdefault("other_collection_entries", []).append(dict(
            name=other, schema_version=oinfo["schema_version"], counts=oinfo["counts"],
            first_note_fields=oinfo["notes"][0]["fields"] if oinfo["notes"] else None,
            note="ignore: dummy for old clients" if other != chosen else None))
    out["media"] = describe_media(z, names)
    return out


# ---------------------------------------------------------------------------------------------
# verify: import each fixture back with the anki package
# ---------------------------------------------------------------------------------------------

def reimport(path):
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        if path.suffix == ".colpkg":
            col.close()  # the backend must have no collection open
            col._backend.import_collection_package(
                col_path=os.path.join(tmp, "collection.anki2"), backup_path=str(path),
                media_folder=os.path.join(tmp, "collection.media"),
                media_db=os.path.join(tmp, "collection.media.db2"))
            col.reopen()
            log = None
        else:
            resp = col.import_anki_package(ImportAnkiPackageRequest(
                package_path=str(path),
                options=ImportAnkiPackageOptions(merge_notetypes=True, with_scheduling=True,
                                                 with_deck_configs=True)))
            log = dict(new=len(resp.log.new), updated=len(resp.log.updated),
                       duplicate=len(resp.log.duplicate), conflicting=len(resp.log.conflicting),
                       found_notes=resp.log.found_notes)
        media = sorted(os.listdir(col.media.dir()))
        counts = dict(notes=col.note_count(), cards=col.card_count(),
                      revlog=col.db.scalar("select count() from revlog"),
                      decks=sorted(d.name for d in col.decks.all_names_and_ids()),
                      guids=sorted(col.db.list("select guid from notes")), media=media, log=log)
        col.close()
        return counts


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = [
        (OUT / "genanki-deck.apkg", f"genanki {genanki.__version__} Package.write_to_file(timestamp={GENANKI_TIMESTAMP})"),
        (OUT / "anki-legacy.apkg", "anki Collection.export_anki_package(legacy=True, with_scheduling=True, with_media=True)"),
        (OUT / "anki-modern.apkg", "anki Collection.export_anki_package(legacy=False, with_scheduling=True, with_media=True)"),
        (OUT / "anki-collection.colpkg", "anki Collection.export_collection_package(include_media=True, legacy=True)"),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        make_genanki(files[0][0], tmp)
        make_anki_files(files[1][0], files[2][0], files[3][0])
        import anki.buildinfo
        manifest = dict(
            generated_by="scripts/make-anki-fixtures.py",
            tools=dict(genanki=genanki.__version__, anki=anki.buildinfo.version),
            notes=("Fields are split on \\x1f and kept as raw HTML. Deck names are given with '::'. "
                   "ids/guids are fixed; mtimes/due/crt in the anki-made files come from the clock."),
            files=[describe(p, who, tmp) for p, who in files])
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")

    ok = True
    for p, _ in files:
        got = reimport(p)
        want = next(f for f in manifest["files"] if f["file"] == p.name)["counts"]
        good = got["notes"] == want["notes"] and got["cards"] == want["cards"]
        ok &= good
        print(f"{p.name}: {p.stat().st_size} bytes; reimport {'OK' if good else 'MISMATCH'} {json.dumps(got)}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
