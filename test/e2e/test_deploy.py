"""deploy/: the docker-compose file mirrors the tutorial's topology and health checks, and the
fe.conf / cn.conf it ships are accepted by the real binaries. (Docker itself cannot run here, so
the compose file is checked for shape, and its configs are run directly.)"""
import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def load_compose():
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def test_compose_has_the_tutorial_services_and_health_checks():
    services = load_compose()["services"]
    for name in ("basalt-fe", "basalt-cn", "minio", "minio_mc", "redpanda"):
        assert name in services, f"service {name} missing"
    fe_check = services["basalt-fe"]["healthcheck"]["test"]
    assert 'show frontends\\G' in fe_check and 'grep "Alive: true"' in fe_check
    cn_check = services["basalt-cn"]["healthcheck"]["test"]
    assert "SHOW COMPUTE NODES\\G" in cn_check and 'grep "Alive: true"' in cn_check
    cn_command = "\n".join(services["basalt-cn"]["command"])
    assert 'ALTER SYSTEM ADD COMPUTE NODE "basalt-cn:9050"' in cn_command
    assert "9030:9030" in services["basalt-fe"]["ports"]
    minio_env = services["minio"]["environment"]
    assert minio_env["MINIO_ROOT_USER"] == "miniouser"
    assert "my-starrocks-bucket" in "\n".join(services["minio_mc"]["entrypoint"])
    assert "redpanda:29092" in " ".join(services["redpanda"]["command"])


def _localised(conf_text: str, overrides: dict) -> str:
    """The shipped conf with container paths and ports replaced by test ones."""
    out = []
    for line in conf_text.splitlines():
        m = re.match(r"\s*([A-Za-z_]+)\s*=", line)
        if m and m.group(1) in overrides:
            continue
        out.append(line)
    out += [f"{k} = {v}" for k, v in overrides.items()]
    return "\n".join(out) + "\n"


def test_shipped_confs_start_real_processes(basalt):
    fe = basalt.fe(start=False)
    fe.conf_file = fe.root / "fe.conf"
    fe.conf_file.write_text(_localised((DEPLOY / "conf" / "fe.conf").read_text(), fe.conf))
    fe.start()
    columns, rows = fe.query("SELECT 1")
    assert rows == [(1,)]

    cn = basalt.cn(start=False)
    cn.conf_file = cn.root / "cn.conf"
    cn.conf_file.write_text(_localised((DEPLOY / "conf" / "cn.conf").read_text(), cn.conf))
    cn.start()
    fe.execute(f'ALTER SYSTEM ADD COMPUTE NODE "{cn.endpoint}"')
    fe.wait_cn_alive(cn)
