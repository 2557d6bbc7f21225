-- The seed's job (../shared/seed/ §2) in Flink SQL, as its users would run it in Flink 1.20's SQL
-- client, plus the day-to-date UV as a CUMULATE window. tests/integration/flink_peer.py runs it with
-- ubaflow.flinkbench.SqlRunner on a local MiniCluster; ${NAME} is filled in by --var or the
-- environment (MYSQL_PASSWORD stays in the environment).
--
-- Where it differs from the seed's script, and why:
--   * the hourly sink is named buy_cnt_per_hour (the seed creates goum and inserts into
--     buy_cnt_per_hour) and carries no WATERMARK (a sink has no use for one);
--   * top_category has no PRIMARY KEY, as in the seed: with one, Flink's NOT NULL enforcer stops
--     the job at the first buy whose category the lookup does not find (category_name NULL
--     from the LEFT JOIN). Without a key the Elasticsearch sink appends one document per update,
--     so a category's count is its latest (largest) document;
--   * the seed's 'sink.bulk-flush.max-actions' = '1' (one HTTP request per update) is left out:
--     Flink's defaults batch, as ubaflow does;
--   * scan.bounded.mode ends the read at the offsets the topic had at start (a bounded run, like
--     ubaflow's kafka.bounded); the ZooKeeper address is gone (Kafka 4 has none);
--   * the four INSERTs run as one statement set: one job, one read of the topic, as ubaflow
--     does. The SQL client would start one job per INSERT, each reading the topic.

SET 'table.exec.mini-batch.enabled' = '${MINI_BATCH}';
SET 'table.exec.mini-batch.allow-latency' = '1 s';
SET 'table.exec.mini-batch.size' = '5000';

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
    'topic' = '${KAFKA_TOPIC}',
    'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP}',
    'properties.group.id' = '${KAFKA_GROUP}',
    'scan.startup.mode' = 'earliest-offset',
    'scan.bounded.mode' = 'latest-offset',
    'format' = 'json',
    'json.fail-on-missing-field' = 'false',
    'json.ignore-parse-errors' = 'true'
);

CREATE TABLE buy_cnt_per_hour (
    hour_of_day BIGINT,
    buy_cnt BIGINT,
    event_time TIMESTAMP(3)
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = '${ES_HOSTS}',
    'index' = '${INDEX_PREFIX}buy_cnt_per_hour',
    'format' = 'json'
);

CREATE TABLE cumulative_uv (
    time_str STRING,
    uv BIGINT
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = '${ES_HOSTS}',
    'index' = '${INDEX_PREFIX}cumulative_uv',
    'format' = 'json'
);

CREATE TABLE cumulative_uv_daily (
    date_str STRING,
    time_str STRING,
    uv BIGINT
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = '${ES_HOSTS}',
    'index' = '${INDEX_PREFIX}cumulative_uv_daily',
    'format' = 'json'
);

CREATE TABLE category_dim (
    sub_category_id BIGINT,
    parent_category_name STRING
) WITH (
    'connector' = 'jdbc',
    'url' = '${JDBC_URL}',
    'table-name' = 'category',
    'driver' = 'com.mysql.cj.jdbc.Driver',
    'username' = '${MYSQL_USER}',
    'password' = '${MYSQL_PASSWORD}',
    'lookup.cache.max-rows' = '5000',
    'lookup.cache.ttl' = '10min'
);

CREATE TABLE top_category (
    category_name STRING,
    buy_cnt BIGINT
) WITH (
    'connector' = 'elasticsearch-7',
    'hosts' = '${ES_HOSTS}',
    'index' = '${INDEX_PREFIX}top_category',
    'format' = 'json'
);

CREATE VIEW uv_per_10min AS
SELECT
    DATE_FORMAT(TUMBLE_END(ts, INTERVAL '10' MINUTE), 'yyyy-MM-dd HH:mm:ss') AS time_str,
    COUNT(DISTINCT user_id) AS uv
FROM user_behavior
GROUP BY TUMBLE(ts, INTERVAL '10' MINUTE);

CREATE VIEW rich_user_behavior AS
SELECT U.user_id, U.item_id, U.behavior, C.parent_category_name AS category_name
FROM user_behavior AS U
LEFT JOIN category_dim FOR SYSTEM_TIME AS OF U.proctime AS C
ON U.category_id = C.sub_category_id;

EXECUTE STATEMENT SET
BEGIN

INSERT INTO buy_cnt_per_hour
SELECT HOUR(TUMBLE_START(ts, INTERVAL '1' HOUR)) AS hour_of_day,
       COUNT(*) AS buy_cnt,
       TUMBLE_START(ts, INTERVAL '1' HOUR) AS event_time
FROM user_behavior
WHERE behavior = 'buy'
GROUP BY TUMBLE(ts, INTERVAL '1' HOUR);

INSERT INTO cumulative_uv
SELECT time_str, uv FROM uv_per_10min;

INSERT INTO cumulative_uv_daily
SELECT DATE_FORMAT(window_start, 'yyyy-MM-dd') AS date_str,
       DATE_FORMAT(window_end, 'yyyy-MM-dd HH:mm:ss') AS time_str,
       COUNT(DISTINCT user_id) AS uv
FROM TABLE(CUMULATE(TABLE user_behavior, DESCRIPTOR(ts), INTERVAL '10' MINUTE, INTERVAL '1' DAY))
GROUP BY window_start, window_end;

INSERT INTO top_category
SELECT category_name, COUNT(*) AS buy_cnt
FROM rich_user_behavior
WHERE behavior = 'buy'
GROUP BY category_name;

END;
