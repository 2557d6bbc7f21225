-- Rows, not aggregates: queries without GROUP BY write their rows as they
-- come (a projection, a filter, a lookup), beside an aggregate, in one job.
-- A row of a sink without a primary key gets the id of where its record
-- was read (partition, offset, query), so a record read again after a
-- restore overwrites its row instead of adding one; with a primary key
-- the key is the id and the last row of a key wins (an upsert).
-- `ubaflow sql jobs/examples/row_streams.sql` explains the plan.

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
    'properties.group.id' = 'ubaflow-rows',
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

-- 1. Every buy with its parent category (append: no primary key).
CREATE TABLE buys (
    user_id BIGINT, item_id BIGINT, category_name STRING, ts TIMESTAMP(3)
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'buys');

-- 2. Each user's last cart (upsert by user).
CREATE TABLE last_cart_per_user (
    user_id BIGINT, item_id BIGINT, ts TIMESTAMP(3), hour_of_day BIGINT,
    PRIMARY KEY (user_id) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'last_cart_per_user');

-- 3. Carts per hour, beside the rows.
CREATE TABLE carts_per_hour (
    window_start TIMESTAMP(3), carts BIGINT,
    PRIMARY KEY (window_start) NOT ENFORCED
) WITH ('connector' = 'elasticsearch-7', 'hosts' = 'http://localhost:9200',
        'index' = 'carts_per_hour');

EXECUTE STATEMENT SET
BEGIN

INSERT INTO buys
SELECT U.user_id, U.item_id,
       CASE WHEN C.parent_category_name IS NULL THEN 'unknown'
            ELSE C.parent_category_name END,
       U.ts
FROM user_behavior AS U
LEFT JOIN category_dim FOR SYSTEM_TIME AS OF U.proctime AS C
ON U.category_id = C.sub_category_id
WHERE U.behavior = 'buy';

INSERT INTO last_cart_per_user
SELECT user_id, item_id, ts, HOUR(ts)
FROM user_behavior
WHERE behavior = 'cart' AND item_id IS NOT NULL;

INSERT INTO carts_per_hour
SELECT TUMBLE_START(ts, INTERVAL '1' HOUR), COUNT(*)
FROM user_behavior
WHERE behavior = 'cart'
GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);

END;
