-- Ten more results of the same click stream, in one job (one read of the
-- topic): what a shop asks next once the seed's four results run.
-- `ubaflow sql jobs/examples/behaviour_metrics.sql` explains the plan;
-- tests/unit/sql/exec/sql_examples.test.cpp runs it in batch and checks
-- the results against plain computations.

CREATE TABLE user_behavior (
    user_id BIGINT,
    item_id BIGINT,
    category_id BIGINT,
    behavior STRING,
    ts TIMESTAMP(3),
    proctime AS PROCTIME(),
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'user_behavior',
    'properties.bootstrap.servers' = 'localhost:9092',
    'properties.group.id' = 'ubaflow-examples',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json'
);

CREATE TABLE category_dim (
    sub_category_id BIGINT,
    parent_category_name STRING
) WITH (
    'connector' = 'filesystem',
    'path' = 'data/category.csv',
    'format' = 'csv'
);

CREATE VIEW rich_user_behavior AS
SELECT U.user_id, U.item_id, U.behavior, U.ts,
       CASE WHEN C.parent_category_name IS NULL THEN 'unknown'
            ELSE C.parent_category_name END AS category_name
FROM user_behavior AS U
LEFT JOIN category_dim FOR SYSTEM_TIME AS OF U.proctime AS C
ON U.category_id = C.sub_category_id;

-- 1. Page views and visitors per hour and behaviour.
CREATE TABLE pv_uv_per_hour (
    window_start TIMESTAMP(3), behavior STRING, events BIGINT, users BIGINT,
    PRIMARY KEY (window_start, behavior) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'pv_uv_per_hour');

-- 2. Cart-to-buy conversion per category and hour.
CREATE TABLE conversion_per_category_hour (
    window_start TIMESTAMP(3), category_id BIGINT, carts BIGINT, buys BIGINT,
    buys_per_cart DOUBLE,
    PRIMARY KEY (window_start, category_id) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'conversion_per_category_hour');

-- 3. Buys per parent category and hour (for a top-N per hour).
CREATE TABLE buys_per_category_hour (
    window_start TIMESTAMP(3), category_name STRING, buys BIGINT,
    PRIMARY KEY (window_start, category_name) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'buys_per_category_hour');

-- 4. Visitors over the last hour, every 5 minutes (HOP).
CREATE TABLE uv_last_hour (
    window_start TIMESTAMP(3), window_end TIMESTAMP(3), uv BIGINT,
    PRIMARY KEY (window_end) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'uv_last_hour');

-- 5. Buyers per day.
CREATE TABLE buyers_per_day (
    day_str STRING, buyers BIGINT, buys BIGINT,
    PRIMARY KEY (day_str) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'buyers_per_day');

-- 6. Activity on a range of items per hour.
CREATE TABLE item_range_per_hour (
    window_start TIMESTAMP(3), events BIGINT,
    PRIMARY KEY (window_start) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'item_range_per_hour');

-- 7. Running distinct buyers per category (upserts, no window).
CREATE TABLE buyers_per_category (
    category_id BIGINT, buyers BIGINT,
    PRIMARY KEY (category_id) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'buyers_per_category');

-- 8. Users who carted or favourited, per 10 minutes.
CREATE TABLE interested_per_10min (
    time_str STRING, users BIGINT,
    PRIMARY KEY (time_str) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'interested_per_10min');

-- 9. The funnel per hour of the day: views, carts, favourites, buys.
CREATE TABLE funnel_per_hour (
    date_str STRING, hour_of_day BIGINT, views BIGINT, carts BIGINT,
    favs BIGINT, buys BIGINT,
    PRIMARY KEY (date_str, hour_of_day) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'funnel_per_hour');

-- 10. Clothing buys per day (a LIKE on the dimension's name).
CREATE TABLE clothing_buys_per_day (
    window_start TIMESTAMP(3), buys BIGINT, first_item BIGINT, last_item BIGINT,
    PRIMARY KEY (window_start) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'clothing_buys_per_day');

EXECUTE STATEMENT SET
BEGIN

INSERT INTO pv_uv_per_hour
SELECT window_start, behavior, COUNT(*), COUNT(DISTINCT user_id)
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '1' HOUR))
GROUP BY window_start, window_end, behavior;

INSERT INTO conversion_per_category_hour
SELECT window_start, category_id,
       SUM(CASE WHEN behavior = 'cart' THEN 1 ELSE 0 END) AS carts,
       SUM(CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END) AS buys,
       CAST(SUM(CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END) AS DOUBLE)
         / CAST(SUM(CASE WHEN behavior = 'cart' THEN 1 ELSE 0 END) AS DOUBLE)
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '1' HOUR))
WHERE behavior IN ('cart', 'buy')
GROUP BY window_start, window_end, category_id;

INSERT INTO buys_per_category_hour
SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), category_name, COUNT(*)
FROM rich_user_behavior
WHERE behavior = 'buy'
GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), category_name;

INSERT INTO uv_last_hour
SELECT window_start, window_end, COUNT(DISTINCT user_id)
FROM TABLE(HOP(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '5' MINUTE, INTERVAL '1' HOUR))
GROUP BY window_start, window_end;

INSERT INTO buyers_per_day
SELECT DATE_FORMAT(window_start, 'yyyy-MM-dd'),
       COUNT(DISTINCT user_id) FILTER (WHERE behavior = 'buy'),
       COUNT(*) FILTER (WHERE behavior = 'buy')
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '1' DAY))
GROUP BY window_start, window_end;

INSERT INTO item_range_per_hour
SELECT window_start, COUNT(*)
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '1' HOUR))
WHERE item_id BETWEEN 100000 AND 199999 AND behavior <> 'pv'
GROUP BY window_start, window_end;

INSERT INTO buyers_per_category
SELECT category_id, COUNT(DISTINCT user_id)
FROM user_behavior
WHERE behavior = 'buy'
GROUP BY category_id;

INSERT INTO interested_per_10min
SELECT DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss'), COUNT(DISTINCT user_id)
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '10' MINUTE))
WHERE behavior IN ('cart', 'fav')
GROUP BY window_start, window_end;

INSERT INTO funnel_per_hour
SELECT DATE_FORMAT(window_start, 'yyyy-MM-dd'), HOUR(window_start),
       SUM(CASE WHEN behavior = 'pv' THEN 1 ELSE 0 END),
       SUM(CASE WHEN behavior = 'cart' THEN 1 ELSE 0 END),
       SUM(CASE WHEN behavior = 'fav' THEN 1 ELSE 0 END),
       SUM(CASE WHEN behavior = 'buy' THEN 1 ELSE 0 END)
FROM TABLE(TUMBLE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '1' HOUR))
GROUP BY window_start, window_end;

INSERT INTO clothing_buys_per_day
SELECT TUMBLE_START(ts, INTERVAL '1' DAY), COUNT(*), MIN(item_id), MAX(item_id)
FROM rich_user_behavior
WHERE behavior = 'buy' AND category_name LIKE '%Clothing%'
GROUP BY TUMBLE(ts, INTERVAL '1' DAY);

END;
