-- The SQL statements of the seed project, in its order and as it gives them
-- (/work/shared/seed/taobao-user-behavior-flink-sql.md, sections 2.1-2.4):
-- the user's own script, kept verbatim (tests/unit/sql/sql_scripts.test.cpp
-- parses it). It creates `goum` but inserts into `buy_cnt_per_hour`: the
-- binder reports that (tests/unit/sql/sql_binder_scripts.test.cpp).

CREATE TABLE user_behavior (
    -- 定义表的字段
    user_id BIGINT,                  -- 用户ID
    item_id BIGINT,                  -- 商品ID
    category_id BIGINT,              -- 商品类别ID
    behavior STRING,                 -- 用户行为（如点击、购买等）
    ts TIMESTAMP(3),                 -- 时间戳，精确到毫秒，数据源的精度到毫秒
    proctime AS PROCTIME(),          -- Flink处理时间属性
    WATERMARK FOR ts AS ts - INTERVAL '5' SECOND  -- 设置水印，用于事件时间处理。水印延迟5秒
) WITH (
    'connector' = 'kafka',                  -- 数据源连接器类型：Kafka
    'topic' = 'user_behavior',              -- Kafka主题名称
    'properties.bootstrap.servers' = 'localhost:9092',  -- Kafka服务器地址
    'properties.group.id' = 'testGroup',    -- Kafka消费者组ID
    'properties.zookeeper.connect' = 'localhost:2181',     -- Zookeeper 服务器地址
    'format' = 'json',                      -- 数据格式：JSON
    'scan.startup.mode' = 'earliest-offset',  -- 读取策略，从最早的偏移量开始读取
    'json.fail-on-missing-field' = 'false',  -- 设置为false表示JSON中的缺失字段不会导致失败
    'json.ignore-parse-errors' = 'true'     -- 忽略JSON解析错误
);

-- 查看是否成功建立表格
SELECT * FROM user_behavior;

CREATE TABLE goum (
    hour_of_day BIGINT,    -- 小时数，代表一天中的小时
    buy_cnt BIGINT,        -- 购买计数，表示在该小时内的购买行为数量
    event_time TIMESTAMP(3),  -- 新增时间戳字段，代表事件时间
    WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND  -- 根据 event_time 字段设置水印
) WITH (
    'connector' = 'elasticsearch-7',  -- 使用Elasticsearch 7作为连接器
    'hosts' = 'http://localhost:9200',  -- Elasticsearch服务器地址
    'index' = 'buy_cnt_per_hour',       -- Elasticsearch中的索引名
    'format' = 'json'                   -- 数据格式为JSON
);

INSERT INTO buy_cnt_per_hour
SELECT 
    HOUR(TUMBLE_START(ts, INTERVAL '1' HOUR)) AS hour_of_day, -- 从时间戳字段 ts 计算得到的小时数，使用滚动窗口（TUMBLE）函数，窗口大小为1小时
    COUNT(*) AS buy_cnt,  -- 计算在每个窗口内的行为 'buy' 的事件数量
    TUMBLE_START(ts, INTERVAL '1' HOUR) AS event_time  
FROM 
    user_behavior  -- 来源表
WHERE 
    behavior = 'buy'  -- 只考虑行为为 'buy' 的事件
GROUP BY 
    TUMBLE(ts, INTERVAL '1' HOUR);  -- 按每小时的滚动窗口分组，窗口基于时间戳字段 ts

CREATE TABLE cumulative_uv (
    time_str STRING,       -- 时间字符串，表示每10分钟的结束时间
    uv BIGINT              -- 独立用户数（UV）
) WITH (
    'connector' = 'elasticsearch-7',   -- 使用Elasticsearch 7作为连接器
    'hosts' = 'http://localhost:9200',  -- Elasticsearch服务器地址
    'index' = 'cumulative_uv',          -- Elasticsearch中的索引名
    'format' = 'json'                   -- 数据格式为JSON
);

CREATE VIEW uv_per_10min AS
SELECT
    -- 使用TUMBLE_END函数来获取每个10分钟窗口的结束时间，并格式化为字符串
     DATE_FORMAT(TUMBLE_END(ts, INTERVAL '10' MINUTE), 'yyyy-MM-dd HH:mm:ss') as time_str,
    -- 计算每个窗口内不同用户的数量（即UV）
    COUNT(DISTINCT user_id) as uv
FROM 
    user_behavior -- 来源表
GROUP BY 
    TUMBLE(ts, INTERVAL '10' MINUTE); -- 按每10分钟的滚动窗口分组，窗口基于时间戳字段 ts

INSERT INTO cumulative_uv
SELECT time_str, uv
FROM uv_per_10min;

CREATE TABLE category_dim (
    sub_category_id BIGINT,             -- 子类目ID
    parent_category_name STRING         -- 父类目名称
) WITH (
    'connector' = 'jdbc',                           -- 使用JDBC连接器
    'url' = 'jdbc:mysql://localhost:3306/flink?serverTimezone=UTC', -- MySQL数据库的URL，包括时区信息
    'table-name' = 'category',                      -- 数据库中的表名
    'driver' = 'com.mysql.cj.jdbc.Driver',          -- MySQL驱动类，适用于MySQL 8
    'username' = 'root',                            -- 数据库用户名
    'password' = 'syclmh102309',                            -- 数据库密码
    'lookup.cache.max-rows' = '5000',               -- 查找缓存的最大行数
    'lookup.cache.ttl' = '10min'                    -- 查找缓存的生存时间
);

CREATE TABLE top_category (
    category_name STRING,  -- 类目名称
    buy_cnt BIGINT         -- 购买计数
) WITH (
    'connector' = 'elasticsearch-7',       -- 使用Elasticsearch 7作为连接器
    'hosts' = 'http://localhost:9200',  -- Elasticsearch服务器地址
    'index' = 'top_category',              -- Elasticsearch中的索引名
    'sink.bulk-flush.max-actions' = '1',   -- 设置批量写入的操作次数
    'format' = 'json'                      -- 数据格式为JSON
);

CREATE VIEW rich_user_behavior AS
SELECT 
    U.user_id, U.item_id, U.behavior, 
    C.parent_category_name as category_name  -- 关联类目名称
FROM 
    user_behavior AS U
LEFT JOIN 
    category_dim FOR SYSTEM_TIME AS OF U.proctime AS C  -- 时态表连接，以系统时间为基准
ON 
    U.category_id = C.sub_category_id;  -- 连接条件

INSERT INTO top_category
SELECT 
    category_name, 
    COUNT(*) AS buy_cnt  -- 统计每个类目的购买次数
FROM 
    rich_user_behavior
WHERE 
    behavior = 'buy'  -- 只考虑购买行为
GROUP BY 
    category_name;    -- 按类目名称分组
