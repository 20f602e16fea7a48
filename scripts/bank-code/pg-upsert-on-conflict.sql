-- Check for pg-upsert-on-conflict: runs after the answer's CREATE TABLE and PREPAREs.
CREATE FUNCTION pg_temp.expect(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', what; END IF;
END $$;

-- Insert, then add to the existing row; RETURNING gives the new total.
EXECUTE add_page_views(1, '2024-05-01', 10);
EXECUTE add_page_views(1, '2024-05-01', 5) \gset r_
SELECT pg_temp.expect(:r_views = 15, 'second upsert returns the new total 15');
EXECUTE add_page_views(1, '2024-05-02', 1);
SELECT pg_temp.expect((SELECT count(*) FROM page_views_daily) = 2, 'one row per page and day');

-- Batch with the same key twice (would fail "cannot affect row a second time" without GROUP BY).
EXECUTE add_page_views_batch(ARRAY[1, 1, 2, 3]::bigint[],
                             ARRAY['2024-05-01', '2024-05-01', '2024-05-01', '2024-05-03']::date[],
                             ARRAY[2, 3, 7, 0]::bigint[]);
SELECT pg_temp.expect((SELECT views FROM page_views_daily WHERE page_id = 1 AND view_date = '2024-05-01') = 20,
                      'batch adds both duplicates to the existing row');
SELECT pg_temp.expect((SELECT views FROM page_views_daily WHERE page_id = 2) = 7, 'batch inserts new keys');
SELECT pg_temp.expect((SELECT count(*) FROM page_views_daily) = 4, 'four rows after the batch');

-- Bad input: a negative count that would take the total below zero is rejected by the CHECK.
\set ON_ERROR_STOP 0
EXECUTE add_page_views(2, '2024-05-01', -100);
\set ON_ERROR_STOP 1
SELECT pg_temp.expect(:'LAST_ERROR_SQLSTATE' = '23514', 'negative total rejected with check_violation');
SELECT pg_temp.expect((SELECT views FROM page_views_daily WHERE page_id = 2) = 7, 'rejected upsert changed nothing');

-- Concurrency: session b upserts a key that session a has inserted but not committed.
-- b must wait for a, then update (no unique violation, no lost count).
CREATE EXTENSION IF NOT EXISTS dblink;
SELECT format('dbname=%s host=%s port=%s user=%s', current_database(),
              current_setting('unix_socket_directories'), current_setting('port'), current_user) AS conn \gset
SELECT dblink_connect('a', :'conn'), dblink_connect('b', :'conn');
SELECT dblink_exec(c, (SELECT statement FROM pg_prepared_statements WHERE name = 'add_page_views'))
FROM (VALUES ('a'), ('b')) v(c);
SELECT dblink_exec('a', 'BEGIN');
SELECT * FROM dblink('a', $q$EXECUTE add_page_views(7, '2024-06-01', 5)$q$)
  AS t(page_id bigint, view_date date, views bigint);
SELECT dblink_send_query('b', $q$EXECUTE add_page_views(7, '2024-06-01', 3)$q$);
SELECT pg_sleep(0.3);
SELECT pg_temp.expect(dblink_is_busy('b') = 1, 'b waits for a''s uncommitted insert of the same key');
SELECT dblink_exec('a', 'COMMIT');
SELECT pg_temp.expect(views = 8, 'b updated a''s row after a committed')
FROM dblink_get_result('b') AS t(page_id bigint, view_date date, views bigint);
SELECT pg_temp.expect((SELECT views FROM page_views_daily WHERE page_id = 7) = 8, 'both counts kept');

-- Many concurrent upserts of one new key from four sessions: every count is kept.
SELECT dblink_connect('c' || i, :'conn') FROM generate_series(1, 4) i;
SELECT dblink_exec('c' || i, (SELECT statement FROM pg_prepared_statements WHERE name = 'add_page_views'))
FROM generate_series(1, 4) i;
SELECT dblink_send_query('c' || i,
  string_agg(format('EXECUTE add_page_views(9, %L, 1)', '2024-07-01'), '; '))
FROM generate_series(1, 4) i, generate_series(1, 25) j GROUP BY i;
SELECT pg_sleep(0.1);
DO $$
BEGIN
  WHILE (SELECT bool_or(dblink_is_busy('c' || i) = 1) FROM generate_series(1, 4) i) LOOP
    PERFORM pg_sleep(0.05);
  END LOOP;
END $$;
SELECT pg_temp.expect((SELECT views FROM page_views_daily WHERE page_id = 9) = 100,
                      '4 sessions x 25 concurrent upserts = 100');
SELECT 'pg-upsert-on-conflict: ok';
