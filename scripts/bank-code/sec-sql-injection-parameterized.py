# bank-code: needs postgresql python:psycopg
# Check for sec-sql-injection-parameterized, against a real PostgreSQL: classic payloads in the
# term and in the sort are inert, the sort is allowlisted, LIKE wildcards match literally, limits.
import psycopg

from answer import search_products

conn = psycopg.connect(autocommit=True)  # PGHOST/PGDATABASE from the runner
conn.execute("""
CREATE TABLE users (id int PRIMARY KEY, email text, password_hash text);
INSERT INTO users VALUES (1, 'ada@example.com', '$argon2id$secret');
CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric NOT NULL,
                       created_at timestamptz NOT NULL);
INSERT INTO products VALUES
  (1, 'Blue mug', 8.50, '2024-01-01'), (2, 'Red mug', 9.00, '2024-03-01'),
  (3, '50% off voucher', 0, '2024-02-01'), (4, 'snake_case sticker', 1.25, '2024-04-01'),
  (5, 'back\\slash poster', 12, '2024-05-01'), (6, 'Blue plate', 9.00, '2024-06-01');
""")


def names(rows):
    return [r[1] for r in rows]


assert names(search_products(conn, "mug")) == ["Blue mug", "Red mug"]
assert names(search_products(conn, "MUG", sort="price", descending=True)) == ["Red mug", "Blue mug"]
assert names(search_products(conn, "", sort="newest")) == [
    "Blue mug", "50% off voucher", "Red mug", "snake_case sticker", "back\\slash poster", "Blue plate"]
assert names(search_products(conn, "", sort="price"))[-3:] == ["Red mug", "Blue plate", "back\\slash poster"]

# Injection through the term: treated as text, returns nothing, leaks nothing, changes nothing.
payloads = ["x' UNION SELECT id, email, password_hash FROM users --", "' OR '1'='1",
            "'; DROP TABLE products; --", "%' OR 1=1 --", "\\'; SELECT pg_sleep(5); --"]
for p in payloads:
    rows = search_products(conn, p)
    assert rows == [], (p, rows)
assert conn.execute("SELECT count(*) FROM products").fetchone()[0] == 6

# LIKE metacharacters match literally.
assert names(search_products(conn, "%")) == ["50% off voucher"]
assert names(search_products(conn, "_")) == ["snake_case sticker"]
assert names(search_products(conn, "\\")) == ["back\\slash poster"]
assert search_products(conn, "m_g") == []

# Injection through the sort: rejected before any SQL is built.
for sort in ["name; DROP TABLE products", "(CASE WHEN (SELECT 1)=1 THEN id ELSE -id END)", "id",
             "password_hash", "created_at", "NAME", ""]:
    try:
        search_products(conn, "", sort=sort)
    except ValueError:
        continue
    raise AssertionError(f"sort {sort!r} accepted")

# Limits are clamped: 0 and negatives give one row, huge values at most 200.
assert len(search_products(conn, "", limit=2)) == 2
assert len(search_products(conn, "", limit=0)) == 1
assert len(search_products(conn, "", limit=-5)) == 1
conn.execute("INSERT INTO products SELECT g, 'bulk ' || g, 1, now() FROM generate_series(100, 400) g")
assert len(search_products(conn, "bulk", limit=10_000)) == 200
print("sec-sql-injection-parameterized: ok")
