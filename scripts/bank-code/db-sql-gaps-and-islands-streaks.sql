-- Check for db-sql-gaps-and-islands-streaks: longest streak per user (with start, end, length),
-- duplicates per day, ties, leap day, UTC day boundary, year boundary; both formulations agree.
CREATE FUNCTION pg_temp.expect(ok boolean, what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN RAISE EXCEPTION 'check failed: %', what; END IF;
END $$;

CREATE TEMP TABLE want (user_id bigint, start_day date, end_day date, length_days bigint);
INSERT INTO want VALUES
  (1, '2024-03-01', '2024-03-03', 3),
  (2, '2024-02-28', '2024-03-02', 4),
  (3, '2024-05-05', '2024-05-05', 1),
  (4, '2024-06-01', '2024-06-02', 2),   -- 00:30+02 is 22:30 UTC on 1 June; 01:00+02 on 3 June is 2 June UTC
  (5, '2023-12-30', '2024-01-01', 3);

SELECT pg_temp.expect(
  (SELECT count(*) FROM (SELECT * FROM user_longest_streak EXCEPT SELECT * FROM want) x) = 0
  AND (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM user_longest_streak) y) = 0,
  'longest streaks: ' || (SELECT string_agg(format('%s %s..%s (%s)', user_id, start_day, end_day, length_days), '; '
                                            ORDER BY user_id) FROM user_longest_streak));
SELECT pg_temp.expect((SELECT count(*) FROM user_longest_streak) = 5, 'one row per user');

-- The LAG formulation numbers the same islands.
SELECT pg_temp.expect((SELECT count(*) FROM user_login_islands) =
                      (SELECT count(DISTINCT (user_id, (login_at AT TIME ZONE 'UTC')::date)) FROM user_logins),
                      'one row per user-day');
SELECT pg_temp.expect(NOT EXISTS (
  SELECT * FROM (
    SELECT DISTINCT ON (user_id) user_id, min(day) AS start_day, max(day) AS end_day, count(*) AS length_days
    FROM user_login_islands GROUP BY user_id, island
    ORDER BY user_id, count(*) DESC, max(day) DESC) a
  EXCEPT SELECT * FROM want), 'both formulations agree');
SELECT pg_temp.expect((SELECT array_agg(island ORDER BY day) FROM user_login_islands WHERE user_id = 1) = '{1,1,1,2,2}',
                      'islands of user 1');

-- Grows with new data: a login on 4 March extends user 1's streak.
INSERT INTO user_logins VALUES (1, '2024-03-04 07:00+00'), (1, '2024-03-06 07:00+00');
SELECT pg_temp.expect((SELECT (start_day, end_day, length_days) FROM user_longest_streak WHERE user_id = 1)
                      = ('2024-03-01'::date, '2024-03-08'::date, 8::bigint) IS NOT TRUE, 'gap on 5 March remains');
SELECT pg_temp.expect((SELECT length_days FROM user_longest_streak WHERE user_id = 1) = 4, 'streak of 4 from 1 March');
SELECT 'db-sql-gaps-and-islands-streaks: ok';
