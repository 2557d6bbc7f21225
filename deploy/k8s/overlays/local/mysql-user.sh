#!/bin/sh
# MySQL's first start (docker-entrypoint-initdb.d): the job's own user, who
# may read the category table and nothing else. The password comes from the
# environment (UBAFLOW_MYSQL_PASSWORD in .env), never from this file.
set -eu
mysql -uroot -p"$MYSQL_ROOT_PASSWORD" <<SQL
CREATE USER IF NOT EXISTS 'ubaflow'@'%' IDENTIFIED BY '${UBAFLOW_MYSQL_PASSWORD}';
GRANT SELECT ON flink.category TO 'ubaflow'@'%';
SQL
