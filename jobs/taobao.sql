-- ubaflow's default job: the four results of the seed's Flink SQL job
-- (README "What it computes", docs/semantics.md "The four results"),
-- written in the seed's dialect. Index names and fields are the seed's;
-- the primary keys are the document ids ubaflow writes, so a row written
-- again (retry, restart, replay) overwrites instead of duplicating.
-- Secrets are read from the environment: ${MYSQL_PASSWORD}.

-- The source: user behaviour events from Kafka, JSON, event time ts with a
-- 5-second watermark delay.
CREATE TABLE user_behavior (
    user_id BIGINT,
    item_id BIGINT,
    category_id BIGINT,
    behavior STRING,                 -- pv, buy, cart, fav
    ts TIMESTAMP(3),
    proctime AS PROCTIME(),          -- for the lookup join
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
    'connector' = 'kafka',
    'topic' = 'user_behavior',
    'properties.bootstrap.servers' = 'localhost:9092',
    'properties.group.id' = 'ubaflow',
    'scan.startup.mode' = 'earliest-offset',
    'format' = 'json',
    'json.fail-on-missing-field' = 'false',
    'json.ignore-parse-errors' = 'true'
);

-- The category dimension: sub-category -> parent category name, the seed's
-- MySQL table. ubaflow reads it whole and again every 'lookup.cache.ttl',
-- so that a changed row is seen within the TTL, as with Flink's JDBC
-- lookup cache (--lookup.source csv reads data/category.csv instead).
CREATE TABLE category_dim (
    sub_category_id BIGINT,
    parent_category_name STRING
) WITH (
    'connector' = 'jdbc',
    'url' = 'jdbc:mysql://localhost:3306/flink?serverTimezone=UTC',
    'table-name' = 'category',
    'username' = 'root',
    'password' = '${MYSQL_PASSWORD}',
    'lookup.cache.max-rows' = '5000',
    'lookup.cache.ttl' = '10min'
);

-- Buys per hour. event_time is the window start; window_start/window_end
-- carry the zone's offset for Kibana's time axes.
CREATE TABLE buy_cnt_per_hour (
    hour_of_day BIGINT,
    buy_cnt BIGINT,
    event_time TIMESTAMP(3),
    window_start TIMESTAMP(3) WITH LOCAL TIME ZONE,
    window_end TIMESTAMP(3) WITH LOCAL TIME ZONE,
    PRIMARY KEY (event_time) NOT ENFORCED
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = 'http://localhost:9200',
    'index' = 'buy_cnt_per_hour',
    'format' = 'json'
);

-- Exact distinct users per 10-minute window; time_str is the window end.
CREATE TABLE cumulative_uv (
    time_str STRING,
    uv BIGINT,
    window_start TIMESTAMP(3) WITH LOCAL TIME ZONE,
    window_end TIMESTAMP(3) WITH LOCAL TIME ZONE,
    PRIMARY KEY (time_str) NOT ENFORCED
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = 'http://localhost:9200',
    'index' = 'cumulative_uv',
    'format' = 'json'
);

-- Day-to-date distinct users at every 10-minute step of the day.
CREATE TABLE cumulative_uv_daily (
    date_str STRING,
    time_str STRING,
    uv BIGINT,
    window_start TIMESTAMP(3) WITH LOCAL TIME ZONE,
    window_end TIMESTAMP(3) WITH LOCAL TIME ZONE,
    PRIMARY KEY (time_str) NOT ENFORCED
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = 'http://localhost:9200',
    'index' = 'cumulative_uv_daily',
    'format' = 'json'
);

-- Running count of buys per parent category (upserts, no window).
CREATE TABLE top_category (
    category_name STRING,
    buy_cnt BIGINT,
    PRIMARY KEY (category_name) NOT ENFORCED
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = 'http://localhost:9200',
    'index' = 'top_category',
    'sink.bulk-flush.max-actions' = '1',
    'format' = 'json'
);

CREATE VIEW uv_per_10min AS
SELECT
    DATE_FORMAT(TUMBLE_END(ts, INTERVAL '10' MINUTE), 'yyyy-MM-dd HH:mm:ss') AS time_str,
    COUNT(DISTINCT user_id) AS uv,
    TUMBLE_START(ts, INTERVAL '10' MINUTE) AS window_start,
    TUMBLE_END(ts, INTERVAL '10' MINUTE) AS window_end
FROM user_behavior
GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);

-- Buys joined with their parent category; sub-categories the dimension
-- does not have count as 'unknown'.
CREATE VIEW rich_user_behavior AS
SELECT
    U.user_id, U.item_id, U.behavior,
    CASE WHEN C.parent_category_name IS NULL THEN 'unknown'
         ELSE C.parent_category_name END AS category_name
FROM user_behavior AS U
LEFT JOIN category_dim FOR SYSTEM_TIME AS OF U.proctime AS C
ON U.category_id = C.sub_category_id;

-- The four INSERTs run as one job: one read of the source.
EXECUTE STATEMENT SET
BEGIN

INSERT INTO buy_cnt_per_hour
SELECT
    HOUR(TUMBLE_START(ts, INTERVAL '1' HOUR)) AS hour_of_day,
    COUNT(*) AS buy_cnt,
    TUMBLE_START(ts, INTERVAL '1' HOUR) AS event_time,
    CAST(TUMBLE_START(ts, INTERVAL '1' HOUR) AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_start,
    CAST(TUMBLE_END(ts, INTERVAL '1' HOUR) AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_end
FROM user_behavior
WHERE behavior = 'buy'
GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);

INSERT INTO cumulative_uv
SELECT
    time_str, uv,
    CAST(window_start AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_start,
    CAST(window_end AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_end
FROM uv_per_10min;

INSERT INTO cumulative_uv_daily
SELECT
    DATE_FORMAT(window_start, 'yyyy-MM-dd') AS date_str,
    DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss') AS time_str,
    COUNT(DISTINCT user_id) AS uv,
    CAST(window_start AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_start,
    CAST(window_end AS TIMESTAMP(3) WITH LOCAL TIME ZONE) AS window_end
FROM TABLE(
    CUMULATE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' DAY))
GROUP BY window_start, window_end;

INSERT INTO top_category
SELECT
    category_name,
    COUNT(*) AS buy_cnt
FROM rich_user_behavior
WHERE behavior = 'buy'
GROUP BY category_name;

END;
