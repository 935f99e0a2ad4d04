"""CREATE STORAGE VOLUME against a real MinIO: the bucket is checked with the volume's own
credentials, failures say what is wrong without leaking the secret, and the volume (credentials
sealed) survives an FE restart."""
import re

import pytest
import pymysql


def create_volume_sql(name, minio, secret=None, bucket=None):
    host_port = re.sub(r"^https?://", "", minio.endpoint)
    return f"""CREATE STORAGE VOLUME {name}
        TYPE = S3
        LOCATIONS = ("s3://{bucket or minio.bucket}/basalt/")
        PROPERTIES (
            "enabled" = "true",
            "aws.s3.endpoint" = "{host_port}",
            "aws.s3.access_key" = "{minio.access_key}",
            "aws.s3.secret_key" = "{secret or minio.secret_key}",
            "aws.s3.use_instance_profile" = "false",
            "aws.s3.use_aws_sdk_default_behavior" = "false"
        )"""


def error_of(fe, sql):
    with pytest.raises(pymysql.MySQLError) as info:
        fe.execute(sql)
    return info.value.args


def test_volume_on_real_minio_is_checked_and_persisted(basalt_fe, minio):
    fe = basalt_fe
    fe.execute(create_volume_sql("s3_volume", minio))
    fe.execute("SET s3_volume AS DEFAULT STORAGE VOLUME")
    fe.execute("CREATE DATABASE IF NOT EXISTS quickstart")
    _, rows = fe.query("SHOW CREATE DATABASE quickstart")
    assert rows[0][1] == 'CREATE DATABASE `quickstart`\nPROPERTIES ("storage_volume" = "s3_volume")'

    # The secret never reaches the journal or images in plain text.
    for path in fe.meta_dir.iterdir():
        if path.is_file():
            assert minio.secret_key.encode() not in path.read_bytes(), f"secret in {path.name}"

    fe.kill9()
    fe.start()
    _, rows = fe.query("DESC STORAGE VOLUME s3_volume")
    name, type_, is_default, location, params, enabled, comment = rows[0]
    assert (name, type_, is_default, enabled) == ("s3_volume", "S3", "true", "true")
    assert '"aws.s3.secret_key":"******"' in params and minio.secret_key not in params


def test_wrong_secret_is_refused_without_leaking_it(basalt_fe, minio):
    wrong = "W" * 40
    code, message = error_of(basalt_fe, create_volume_sql("bad_secret", minio, secret=wrong))
    assert code == 1064
    assert "bad_secret" in message and "SignatureDoesNotMatch" in message, message
    assert wrong not in message and minio.secret_key not in message
    _, rows = basalt_fe.query("SHOW STORAGE VOLUMES")
    assert ("bad_secret",) not in rows


def test_missing_bucket_is_named(basalt_fe, minio):
    code, message = error_of(basalt_fe, create_volume_sql("no_bucket", minio, bucket="no-such-bucket-x"))
    assert code == 1064 and "no-such-bucket-x" in message, message
