"""The tutorial's objects for tests that need a table on a real MinIO: its site_clicks table and a
storage volume on the test MinIO under a per-test prefix (so tests sharing the bucket never see each
other's objects)."""

SEED_TABLE = """CREATE TABLE site_clicks (
    `uid` bigint NOT NULL COMMENT "uid",
    `site` string NOT NULL COMMENT "site url",
    `vtime` bigint NOT NULL COMMENT "vtime"
)
DISTRIBUTED BY HASH(`uid`)
PROPERTIES("replication_num"="1")"""


def volume_sql(name, minio, prefix):
    """CREATE STORAGE VOLUME as the tutorial writes it, pointed at the test MinIO."""
    return f"""CREATE STORAGE VOLUME {name}
        TYPE = S3
        LOCATIONS = ("s3://{minio.bucket}/{prefix}/")
        PROPERTIES (
            "enabled" = "true",
            "aws.s3.endpoint" = "{minio.host_port}",
            "aws.s3.access_key" = "{minio.access_key}",
            "aws.s3.secret_key" = "{minio.secret_key}",
            "aws.s3.use_instance_profile" = "false",
            "aws.s3.use_aws_sdk_default_behavior" = "false"
        )"""


def setup_quickstart(fe, minio, prefix):
    """s3_volume (the default volume), database quickstart and its site_clicks table."""
    fe.execute(volume_sql("s3_volume", minio, prefix))
    fe.execute("SET s3_volume AS DEFAULT STORAGE VOLUME")
    fe.execute("CREATE DATABASE IF NOT EXISTS quickstart")
    fe.execute(SEED_TABLE, database="quickstart")
