"""Shared pieces of the end-to-end tier: real processes, real Kafka, real MinIO.

Modules:
  util   wait_until (polling with a deadline, never a bare sleep), free ports, process lookup
  logs   registry of process logs whose tails are attached to a failing test's report
  infra  Kafka and MinIO services (started through scripts/lib/basalt_infra.py, the code behind
         scripts/infra) and the objects the `kafka` / `minio` fixtures hand to tests

Fixtures for Basalt's own processes (basalt-fe, basalt-cn) belong in a sibling module such as
harness/basalt.py; register their logs with harness.logs.register() and the failure hook in
conftest.py prints them too.
"""
