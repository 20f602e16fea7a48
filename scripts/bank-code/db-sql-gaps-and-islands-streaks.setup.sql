CREATE TABLE user_logins (user_id bigint NOT NULL, login_at timestamptz NOT NULL);
INSERT INTO user_logins VALUES
  -- user 1: 3-day streak from 1 March (several logins a day), then 2 days from 7 March
  (1, '2024-03-01 08:00+00'), (1, '2024-03-01 20:00+00'), (1, '2024-03-02 09:00+00'),
  (1, '2024-03-03 23:59:59+00'), (1, '2024-03-07 10:00+00'), (1, '2024-03-08 10:00+00'),
  -- user 2: leap day inside a 4-day streak; an earlier 4-day streak ties: most recent wins
  (2, '2024-01-10 12:00+00'), (2, '2024-01-11 12:00+00'), (2, '2024-01-12 12:00+00'), (2, '2024-01-13 12:00+00'),
  (2, '2024-02-28 12:00+00'), (2, '2024-02-29 12:00+00'), (2, '2024-03-01 12:00+00'), (2, '2024-03-02 12:00+00'),
  -- user 3: a single login
  (3, '2024-05-05 05:05+00'),
  -- user 4: days defined in UTC: 23:30 at UTC+2 is still the previous UTC day... and the next
  (4, '2024-06-01 23:30+00'), (4, '2024-06-02 00:30+02'), (4, '2024-06-03 01:00+02'),
  -- user 5: year boundary
  (5, '2023-12-30 10:00+00'), (5, '2023-12-31 10:00+00'), (5, '2024-01-01 10:00+00'), (5, '2024-01-03 10:00+00');
