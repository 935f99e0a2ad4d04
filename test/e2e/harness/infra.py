"""Kafka and MinIO for end-to-end tests.

The services are started by the same code as `scripts/infra` (scripts/lib/basalt_infra.py), on
free ports in their own run directory, so a developer's `scripts/infra up` on the default ports
never collides with a test run. Set BASALT_E2E_KAFKA_BOOTSTRAP and/or BASALT_E2E_S3_ENDPOINT to
use services that are already running instead (nothing is then started or stopped).
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import Optional

from . import logs
from .util import REPO_ROOT, free_port, wait_until

import basalt_infra  # made importable by .util

DEFAULT_RUN_DIR = REPO_ROOT / "run" / "e2e"
# The SASL listener's second PLAIN user (KafkaService.rotating_username) and its first password.
ROTATING_USER = "basalt-rotating"
ROTATING_PASSWORD = "rotating-secret-1"


def run_dir() -> Path:
    return Path(os.environ.get("BASALT_E2E_RUN_DIR", DEFAULT_RUN_DIR))


@dataclasses.dataclass
class KafkaService:
    """A running broker. `bootstrap` is what clients pass as bootstrap servers."""

    bootstrap: str
    log_path: Optional[Path] = None
    infra: Optional[basalt_infra.Infra] = None
    # The SASL_PLAINTEXT listener (mechanism PLAIN) and the one user it accepts; empty when the
    # broker has none (external Kafka without BASALT_E2E_KAFKA_SASL_BOOTSTRAP).
    sasl_bootstrap: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    # A second PLAIN user of the same listener, for tests that change its password under a running
    # job (set_plain_password); empty with an external Kafka (it cannot be restarted from here).
    rotating_username: str = ""
    rotating_password: str = ""
    # The SSL listener and the CA file (PEM) that signed its certificate; empty when there is none
    # (external Kafka without BASALT_E2E_KAFKA_SSL_BOOTSTRAP / _SSL_CA_LOCATION).
    ssl_bootstrap: str = ""
    ssl_ca_location: str = ""

    def admin(self, **kw):
        from kafka import KafkaAdminClient
        return KafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="basalt-e2e", **kw)

    def set_plain_password(self, username: str, password: str) -> None:
        """Changes the password of a PLAIN user of the SASL listener (rotating_username). PLAIN
        users are in the broker's static JAAS config, so the broker restarts with the new one:
        same ports, topics and data; clients see it down for a few seconds, then new logins need
        `password`. (SCRAM would change it without a restart, but librdkafka before 2.6.1 cannot
        log in to Kafka 4 with SCRAM.)"""
        assert self.infra is not None, "only a broker this harness started can be restarted"
        self.infra.s.kafka_sasl_plain_users[username] = password
        self.infra.down()
        try:
            self.infra.up()
        except basalt_infra.InfraError as exc:
            raise RuntimeError(f"could not restart Kafka: {exc}") from None
        if username == self.rotating_username:
            self.rotating_password = password

    def create_topic(self, name: str, partitions: int = 1, timeout: float = 30.0,
                     configs: Optional[dict] = None) -> None:
        """Creates a topic (with topic-level `configs`, e.g. cleanup.policy) and waits until every
        partition has a leader."""
        from kafka.admin import NewTopic
        admin = self.admin()
        try:
            admin.create_topics([NewTopic(name, num_partitions=partitions, replication_factor=1,
                                          topic_configs=configs or {})])
        finally:
            admin.close()
        self.wait_partitions(name, partitions, timeout)

    def wait_partitions(self, topic: str, partitions: int, timeout: float = 30.0) -> None:
        from kafka import KafkaConsumer
        consumer = KafkaConsumer(bootstrap_servers=self.bootstrap)
        try:
            wait_until(lambda: len(consumer.partitions_for_topic(topic) or ()) == partitions,
                       timeout, f"topic {topic} to have {partitions} partitions")
        finally:
            consumer.close()

    def producer(self, **kw):
        from kafka import KafkaProducer
        opts = dict(bootstrap_servers=self.bootstrap, acks="all", linger_ms=10,
                    batch_size=256 * 1024)
        opts.update(kw)
        return KafkaProducer(**opts)

    def consumer(self, **kw):
        from kafka import KafkaConsumer
        opts = dict(bootstrap_servers=self.bootstrap, enable_auto_commit=False,
                    auto_offset_reset="earliest")
        opts.update(kw)
        return KafkaConsumer(**opts)


@dataclasses.dataclass
class MinioService:
    """A running MinIO with the seed's access key and bucket."""

    endpoint: str
    access_key: str
    secret_key: str
    bucket: str
    root_user: str = "miniouser"
    root_password: str = "miniopassword"
    region: str = "us-east-1"
    log_path: Optional[Path] = None
    infra: Optional[basalt_infra.Infra] = None

    @property
    def host_port(self) -> str:
        """The endpoint as a storage volume's aws.s3.endpoint wants it ("host:port")."""
        return self.endpoint.split("://", 1)[-1]

    def client(self, root: bool = False):
        import boto3
        from botocore.config import Config
        key, secret = ((self.root_user, self.root_password) if root
                       else (self.access_key, self.secret_key))
        return boto3.client("s3", endpoint_url=self.endpoint, aws_access_key_id=key,
                            aws_secret_access_key=secret, region_name=self.region,
                            config=Config(s3={"addressing_style": "path"},
                                          retries={"max_attempts": 2}))


def _fresh(component: str, settings: basalt_infra.Settings) -> basalt_infra.Infra:
    """An Infra for one component in a clean directory (stopping leftovers of an aborted run)."""
    infra = basalt_infra.Infra(settings, (component,))
    infra.down()
    shutil.rmtree(settings.run_dir / component, ignore_errors=True)
    return infra


def start_kafka(partitions: int = 1, auto_create_topics: bool = False,
                timeout: float = 120.0) -> KafkaService:
    external = os.environ.get("BASALT_E2E_KAFKA_BOOTSTRAP")
    if external:
        return KafkaService(bootstrap=external,
                            sasl_bootstrap=os.environ.get("BASALT_E2E_KAFKA_SASL_BOOTSTRAP", ""),
                            sasl_username=os.environ.get("BASALT_E2E_KAFKA_SASL_USERNAME", ""),
                            sasl_password=os.environ.get("BASALT_E2E_KAFKA_SASL_PASSWORD", ""),
                            ssl_bootstrap=os.environ.get("BASALT_E2E_KAFKA_SSL_BOOTSTRAP", ""),
                            ssl_ca_location=os.environ.get("BASALT_E2E_KAFKA_SSL_CA_LOCATION", ""))
    s = basalt_infra.Settings(run_dir=run_dir(), health_timeout=timeout,
                              kafka_port=free_port(), kafka_controller_port=free_port(),
                              kafka_sasl_port=free_port(), kafka_ssl_port=free_port(),
                              kafka_sasl_plain_users={ROTATING_USER: ROTATING_PASSWORD},
                              kafka_partitions=partitions,
                              kafka_auto_create_topics=auto_create_topics)
    infra = _fresh("kafka", s)
    comp = infra.component("kafka")
    logs.register("kafka", comp.log_path)
    try:
        infra.up()
    except basalt_infra.InfraError as exc:
        raise RuntimeError(f"could not start Kafka: {exc}") from None
    return KafkaService(bootstrap=s.kafka_bootstrap, log_path=comp.log_path, infra=infra,
                        sasl_bootstrap=s.kafka_sasl_bootstrap, sasl_username=s.kafka_sasl_username,
                        sasl_password=s.kafka_sasl_password, rotating_username=ROTATING_USER,
                        rotating_password=ROTATING_PASSWORD, ssl_bootstrap=s.kafka_ssl_bootstrap,
                        ssl_ca_location=str(comp.tls_dir / "ca.pem"))


def start_minio(timeout: float = 60.0) -> MinioService:
    external = os.environ.get("BASALT_E2E_S3_ENDPOINT")
    seed = basalt_infra.Settings()
    if external:
        return MinioService(endpoint=external,
                            access_key=os.environ.get("BASALT_E2E_S3_ACCESS_KEY", seed.minio_access_key),
                            secret_key=os.environ.get("BASALT_E2E_S3_SECRET_KEY", seed.minio_secret_key),
                            bucket=os.environ.get("BASALT_E2E_S3_BUCKET", seed.minio_bucket))
    s = basalt_infra.Settings(run_dir=run_dir(), health_timeout=timeout,
                              minio_port=free_port(), minio_console_port=free_port())
    infra = _fresh("minio", s)
    comp = infra.component("minio")
    logs.register("minio", comp.log_path)
    logs.register("minio-setup", comp.setup_log)
    try:
        infra.up()
    except basalt_infra.InfraError as exc:
        raise RuntimeError(f"could not start MinIO: {exc}") from None
    return MinioService(endpoint=s.minio_endpoint, access_key=s.minio_access_key,
                        secret_key=s.minio_secret_key, bucket=s.minio_bucket,
                        root_user=s.minio_root_user, root_password=s.minio_root_password,
                        log_path=comp.log_path, infra=infra)


def stop(service) -> None:
    if service.infra is not None:
        service.infra.down()
