#!/bin/sh
# Runs once, when the database volume is first initialised (docker-entrypoint-initdb.d): the
# application role that owns the database and its schema, so the app migrates and works
# without superuser rights. Its password is the app_db_password secret.
set -eu

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v app_password="$(cat "$APP_DB_PASSWORD_FILE")" <<'SQL'
CREATE ROLE xiangxing_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
ALTER DATABASE xiangxing OWNER TO xiangxing_app;
ALTER SCHEMA public OWNER TO xiangxing_app;
REVOKE ALL ON DATABASE xiangxing FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE xiangxing TO xiangxing_app;
SQL
