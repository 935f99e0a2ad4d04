"""Shared pieces of the end-to-end tier: real processes, real Kafka, real MinIO.

Modules:
  util   wait_until (polling with a deadline, never a bare sleep), free ports, process lookup
  logs   registry of process logs whose tails are attached to a failing test's report
  infra  Kafka and MinIO services (started through scripts/lib/basalt_infra.py, the code behind
         scripts/infra) and the objects the `kafka` / `minio` fixtures hand to tests
  quickstart    the tutorial's storage volume, database quickstart and site_clicks table
  routine_load  helpers of the Routine Load tests: a topic beside the quickstart objects, producing
                unique ids, SHOW ROUTINE LOAD rows and polling them (wait_job / wait_state /
                wait_loaded), comparing the table with what was produced

Fixtures for Basalt's own processes (basalt-fe, basalt-cn) belong in a sibling module such as
harness/basalt.py; register their logs with harness.logs.register() and the failure hook in
conftest.py prints them too.
"""
