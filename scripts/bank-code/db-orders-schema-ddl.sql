-- Check for db-orders-schema-ddl: valid data goes in; every constraint the answer claims rejects
-- bad data with the right SQLSTATE; deletes cascade or are restricted as described.
CREATE FUNCTION pg_temp.expect_error(stmt text, state text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE stmt;
  RAISE EXCEPTION 'expected SQLSTATE % from: %', state, stmt;
EXCEPTION WHEN OTHERS THEN
  IF SQLSTATE <> state THEN
    RAISE EXCEPTION 'expected SQLSTATE % but got % (%) from: %', state, SQLSTATE, SQLERRM, stmt;
  END IF;
END $$;
CREATE FUNCTION pg_temp.expect(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', what; END IF;
END $$;

INSERT INTO customers (email, full_name) VALUES ('Ada@Example.com', 'Ada'), ('bob@example.com', 'Bob');
INSERT INTO products (sku, name, price_cents, currency) VALUES ('MUG-1', 'Mug', 850, 'EUR'), ('CUP-1', 'Cup', 0, 'EUR');
INSERT INTO orders (customer_id, currency, total_cents) VALUES (1, 'EUR', 1700);
INSERT INTO orders (customer_id, status, currency, total_cents, paid_at) VALUES (1, 'paid', 'EUR', 850, now());
INSERT INTO order_items VALUES (1, 1, 1, 2, 850), (1, 2, 2, 1, 0), (2, 1, 1, 1, 850);
SELECT pg_temp.expect((SELECT status FROM orders WHERE id = 1) = 'pending', 'default status pending');

-- Keys and uniqueness.
SELECT pg_temp.expect_error($$INSERT INTO customers (email, full_name) VALUES ('ada@EXAMPLE.com', 'Dup')$$, '23505');
SELECT pg_temp.expect_error($$INSERT INTO customers (id, email, full_name) VALUES (99, 'x@y.z', 'X')$$, '428C9');
SELECT pg_temp.expect_error($$INSERT INTO products (sku, name, price_cents, currency) VALUES ('MUG-1', 'Again', 1, 'EUR')$$, '23505');
SELECT pg_temp.expect_error($$INSERT INTO order_items VALUES (1, 1, 2, 1, 5)$$, '23505');

-- NOT NULL and CHECK constraints.
SELECT pg_temp.expect_error($$INSERT INTO customers (email) VALUES ('no-name@example.com')$$, '23502');
SELECT pg_temp.expect_error($$INSERT INTO products (sku, name, price_cents, currency) VALUES ('NEG', 'Neg', -1, 'EUR')$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, status, currency, total_cents) VALUES (1, 'lost', 'EUR', 1)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, currency, total_cents) VALUES (1, 'EUR', -5)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, status, currency, total_cents) VALUES (1, 'paid', 'EUR', 1)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, status, currency, total_cents) VALUES (1, 'shipped', 'EUR', 1)$$, '23514');
SELECT pg_temp.expect_error($$UPDATE orders SET status = 'paid' WHERE id = 1$$, '23514');
UPDATE orders SET status = 'paid', paid_at = now() WHERE id = 1;
SELECT pg_temp.expect_error($$INSERT INTO order_items VALUES (1, 3, 1, 0, 850)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO order_items VALUES (1, 0, 1, 1, 850)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO order_items VALUES (1, 4, 1, 1, -850)$$, '23514');
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, currency, total_cents) VALUES (1, 'EURO', 1)$$, '22001');

-- Foreign keys and delete behaviour.
SELECT pg_temp.expect_error($$INSERT INTO orders (customer_id, currency, total_cents) VALUES (42, 'EUR', 1)$$, '23503');
SELECT pg_temp.expect_error($$INSERT INTO order_items VALUES (1, 9, 42, 1, 1)$$, '23503');
SELECT pg_temp.expect_error($$DELETE FROM customers WHERE id = 1$$, '23503');
SELECT pg_temp.expect_error($$DELETE FROM products WHERE id = 1$$, '23503');
DELETE FROM orders WHERE id = 1;
SELECT pg_temp.expect((SELECT count(*) FROM order_items WHERE order_id = 1) = 0, 'items cascade with their order');
SELECT pg_temp.expect((SELECT count(*) FROM order_items) = 1, 'other orders untouched');
DELETE FROM customers WHERE id = 2;  -- no orders: allowed

-- The indexes the answer relies on exist, and serve their queries.
SELECT pg_temp.expect((SELECT count(*) FROM pg_indexes WHERE indexname IN
  ('customers_email_uq', 'orders_customer_created_idx', 'order_items_product_idx')) = 3, 'indexes exist');
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; out text := '';
BEGIN
  FOR r IN EXECUTE 'EXPLAIN ' || q LOOP out := out || r."QUERY PLAN" || E'\n'; END LOOP;
  RETURN out;
END $$;
SET enable_seqscan = off;  -- tiny tables: show what the planner can use
SELECT pg_temp.expect(pg_temp.plan_of('SELECT * FROM orders WHERE customer_id = 1 ORDER BY created_at DESC LIMIT 20')
                      LIKE '%orders_customer_created_idx%', 'recent orders of a customer use the index');
SELECT pg_temp.expect(pg_temp.plan_of('SELECT * FROM order_items WHERE product_id = 1') LIKE '%order_items_product_idx%',
                      'items of a product use the index');
SELECT pg_temp.expect(pg_temp.plan_of($q$SELECT * FROM customers WHERE lower(email) = 'ada@example.com'$q$)
                      LIKE '%customers_email_uq%', 'case-insensitive email lookup uses the index');
RESET enable_seqscan;
SELECT 'db-orders-schema-ddl: ok';
