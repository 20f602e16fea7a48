# bank-code: needs postgresql python:psycopg
# Check for pg-keyset-pagination-sql against real PostgreSQL: the answer's index and prepared
# statements, then fetch_page through many rows with equal timestamps (no duplicates or gaps),
# stability under concurrent inserts, microsecond precision, the index plan, and bad cursors.
import base64
import json
import os
import subprocess
from datetime import datetime, timedelta, timezone

import psycopg

from answer import InvalidCursor, decode_cursor, encode_cursor, fetch_page

conn = psycopg.connect(autocommit=True)
conn.execute("""
CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, title text NOT NULL,
                    published boolean NOT NULL, created_at timestamptz NOT NULL);
INSERT INTO posts (title, published, created_at)
SELECT 'post ' || g, g % 5 <> 0,
       timestamptz '2024-01-01 00:00:00+00' + (g / 3) * interval '1 second' + (g % 2) * interval '1 microsecond'
FROM generate_series(1, 3000) g;
ANALYZE posts;
""")
# The answer's SQL, through psql as written (CREATE INDEX CONCURRENTLY, PREPARE).
r = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "answer.sql"], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
idx = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'posts_published_feed_idx'").fetchone()
assert idx and "WHERE published" in idx[0], idx

expected = [r[0] for r in conn.execute(
    "SELECT id FROM posts WHERE published ORDER BY created_at DESC, id DESC")]


def walk(size):
    seen, cursor, pages = [], None, 0
    while True:
        rows, cursor = fetch_page(conn, cursor, size=size)
        assert len(rows) <= max(1, min(size, 100))
        seen += [r[0] for r in rows]
        pages += 1
        if cursor is None:
            return seen, pages


for size in (7, 20, 100, 1000):
    seen, pages = walk(size)
    assert seen == expected, f"size {size}: pages skip or repeat rows"
for size, n in ((0, 1), (-3, 1), (1, 1), (1000, 100)):
    rows, cur = fetch_page(conn, None, size=size)
    assert len(rows) == n and cur, (size, len(rows))
rows, _ = fetch_page(conn, None, size=1)
rows2, _ = fetch_page(conn, _, size=1)
assert [r[0] for r in rows + rows2] == expected[:2]
ids, pages = walk(20)
assert pages == -(-len(expected) // 20)
# Exactly a multiple of the page size: the last page has no next cursor and no empty page follows.
conn.execute("DELETE FROM posts WHERE id IN (SELECT id FROM posts WHERE published ORDER BY id LIMIT %s)",
             (len(expected) % 20 or 0,))
expected = [r[0] for r in conn.execute("SELECT id FROM posts WHERE published ORDER BY created_at DESC, id DESC")]
assert len(expected) % 20 == 0
seen, pages = walk(20)
assert seen == expected and pages == len(expected) // 20

# New posts arriving while a client pages do not shift or duplicate the pages it has not read.
rows, cur = fetch_page(conn, None, size=50)
first = [r[0] for r in rows]
conn.execute("INSERT INTO posts (title, published, created_at) SELECT 'new', true, now() FROM generate_series(1, 30)")
rest = []
while cur:
    rows, cur = fetch_page(conn, cur, size=50)
    rest += [r[0] for r in rows]
assert first + rest == expected, "pages shifted after concurrent inserts"

# Microsecond precision survives the cursor round trip.
t = datetime(2024, 5, 1, 12, 0, 0, 123457, tzinfo=timezone.utc)
assert decode_cursor(encode_cursor(t, 42)) == (t, 42)
assert decode_cursor(encode_cursor(t.astimezone(timezone(timedelta(hours=2))), 1))[0] == t

# The next-page query is an index range scan, not a sort of the whole table.
conn.execute("SET enable_seqscan = off")  # small table: make the planner show what it can use
plan = "\n".join(r[0] for r in conn.execute(
    "EXPLAIN SELECT id, title, created_at FROM posts WHERE published AND (created_at, id) < (%s, %s) "
    "ORDER BY created_at DESC, id DESC LIMIT 21", (t, 42)))
assert "posts_published_feed_idx" in plan and "Sort" not in plan, plan
conn.execute("RESET enable_seqscan")

# Malformed cursors: one exception type, mapped to 400 by the API.
bad = ["!!!", "bm90IGpzb24=", base64.urlsafe_b64encode(b'["2024-01-01", 5]').decode(),
       base64.urlsafe_b64encode(b'["2024-01-01T00:00:00+00:00", "5; DROP"]').decode(),
       base64.urlsafe_b64encode(b'[1, 2, 3]').decode(), base64.urlsafe_b64encode(b'{"a": 1}').decode(),
       base64.urlsafe_b64encode(json.dumps(["2024-01-01T00:00:00+00:00", 1.5]).encode()).decode()]
for c in bad:
    try:
        fetch_page(conn, c)
    except InvalidCursor:
        continue
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"cursor {c!r} raised {type(e).__name__}: {e}")
    raise AssertionError(f"cursor {c!r} accepted")
assert issubclass(InvalidCursor, ValueError)
print("pg-keyset-pagination-sql: ok")
